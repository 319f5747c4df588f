"""Topics: a list that moderators keep (add, rename, merge), from which editors choose."""

from django.core.exceptions import ValidationError
from django.db import models, transaction

from taggit.models import TagBase
from wagtail.admin.panels import FieldPanel
from wagtail.models import Revision

from ..signals import topic_merged


class Topic(TagBase):
    """A subject readers can follow at /news/topic/<slug>/. Its slug is made once, from its
    first name, and kept when it is renamed, so that its address never changes."""

    # Wagtail's tag field then offers existing topics only (wagtail/admin/forms/tags.py).
    free_tagging = False

    description = models.TextField(
        blank=True,
        max_length=1000,
        help_text="A sentence or two shown at the top of the topic's page, saying what it covers.",
    )

    panels = [FieldPanel("name"), FieldPanel("description")]

    class Meta:
        verbose_name = "topic"
        ordering = ["name"]

    def clean(self):
        super().clean()
        self.name = " ".join(self.name.split())
        same = Topic.objects.filter(name__iexact=self.name).exclude(pk=self.pk)
        if self.name and same.exists():
            raise ValidationError({"name": f"There is already a topic called “{same[0].name}”."})

    @transaction.atomic
    def merge_into(self, target):
        """Gives every page of this topic the target instead, in its live row and in every
        revision (so drafts, and a revert to an old version, carry the target rather than a
        topic that no longer exists), then deletes this topic. Returns how many pages had it."""
        from .items import NewsItemPage, NewsItemTopic

        if target.pk == self.pk:
            raise ValueError("A topic cannot be merged into itself.")
        links = NewsItemTopic.objects.filter(tag=self)
        pages = links.count()
        already = NewsItemTopic.objects.filter(tag=target).values("content_object_id")
        links.filter(content_object_id__in=already).delete()
        links.update(tag=target)

        news_types = NewsItemPage.objects.values("content_type").distinct()
        revisions = Revision.objects.filter(content_type__in=news_types)
        for pk, content in revisions.values_list("pk", "content").iterator(chunk_size=500):
            items = content.get("tagged_items") or []
            if not any(item.get("tag") == self.pk for item in items):
                continue
            kept, seen = [], set()
            for item in items:
                tag = target.pk if item.get("tag") == self.pk else item.get("tag")
                if tag not in seen:
                    seen.add(tag)
                    kept.append({**item, "tag": tag})
            Revision.objects.filter(pk=pk).update(content={**content, "tagged_items": kept})
        # Within the transaction: what follows this topic (email alerts) moves to the target.
        topic_merged.send(sender=Topic, source=self, target=target)
        # Deleting it last also tells the page cache (psgsite/page_cache.py) that pages changed.
        self.delete()
        return pages
