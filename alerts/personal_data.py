"""Subscriptions in the admin's personal data requests (membership/personal_data.py), which
finds them through the register_personal_data hook (alerts/wagtail_hooks.py). The alert emails
still queued to the address are found by the membership app, by their recipient."""

from membership.personal_data import PersonalData

from .models import Subscription


def subscriptions_for(email):
    return Subscription.objects.for_email(email).prefetch_related("topics").order_by("pk")


def _isoformat(moment):
    return moment.isoformat() if moment else None


def _exported(subscription):
    # Not its key: whoever holds the export would hold working links to manage it.
    return {
        "email": subscription.email,
        "follows": subscription.choices_label(),
        "news": subscription.news,
        "briefings": subscription.briefings,
        "events": subscription.events,
        "topics": [topic.name for topic in subscription.topics.all()],
        "frequency": subscription.frequency,
        "language": subscription.language,
        "created_at": subscription.created_at.isoformat(),
        "confirmation_sent_at": _isoformat(subscription.confirmation_sent_at),
        "confirmed_at": _isoformat(subscription.confirmed_at),
        "digest_from": _isoformat(subscription.digest_from),
        "next_digest_at": _isoformat(subscription.next_digest_at),
    }


def _erase(subscriptions):
    Subscription.objects.filter(pk__in=[s.pk for s in subscriptions]).delete()


SUBSCRIPTIONS = PersonalData(
    key="email_alert_subscriptions",
    label="Email alert subscriptions",
    noun="email alert subscription(s)",
    find=subscriptions_for,
    export=_exported,
    erase=_erase,
    columns=(
        ("Email", lambda subscription: subscription.email),
        ("Follows", lambda subscription: subscription.choices_label()),
        ("Frequency", lambda subscription: subscription.get_frequency_display()),
        ("Subscribed", lambda subscription: subscription.created_at),
        ("Confirmed", lambda subscription: subscription.confirmed_at),
    ),
    order=30,
)
