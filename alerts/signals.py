"""What email alerts do when the news app changes something its subscribers follow."""

from django.dispatch import receiver

from news.signals import topic_merged

from .models import Subscription


@receiver(topic_merged, dispatch_uid="alerts.move_followers_of_merged_topic")
def move_followers_of_merged_topic(sender, source, target, **kwargs):
    """Readers who followed the merged topic follow the one it was merged into; without this,
    deleting the merged topic would silently drop their choice."""
    links = Subscription.topics.through.objects
    already = links.filter(topic=target).values("subscription_id")
    links.filter(topic=source).exclude(subscription_id__in=already).update(topic=target)
