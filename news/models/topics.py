"""Topics: a list that moderators keep (add, rename, merge), from which editors choose."""

import unicodedata

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.translation import get_language

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
    # Columns of the one row, not translations of it: the slug, the address and the pages that
    # carry the topic are the same in both languages.
    name_es = models.CharField(
        "Spanish name",
        max_length=100,
        blank=True,
        help_text="The name shown on Spanish pages. Where blank, they show the English name.",
    )
    description_es = models.TextField(
        "Spanish description",
        blank=True,
        max_length=1000,
        help_text="The description shown on Spanish pages. Where blank, they show the English one.",
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("description"),
        FieldPanel("name_es"),
        FieldPanel("description_es"),
    ]

    class Meta:
        verbose_name = "topic"
        ordering = ["name"]

    def clean(self):
        super().clean()
        errors = {}
        self.name = " ".join(self.name.split())
        same = Topic.objects.filter(name__iexact=self.name).exclude(pk=self.pk).first()
        if self.name and same:
            errors["name"] = f"There is already a topic called “{same.name}”."
        # Unique among the Spanish names, as the English are among the English.
        self.name_es = " ".join(self.name_es.split())
        if self.name_es:
            same = Topic.objects.filter(name_es__iexact=self.name_es).exclude(pk=self.pk).first()
            if same:
                errors["name_es"] = f"There is already a topic called “{same.name_es}” in Spanish."
        if errors:
            raise ValidationError(errors)

    @property
    def shown_name(self):
        """Its name as readers see it: the Spanish one on Spanish pages, where it has one."""
        return self.name_es if self.name_es and _in_spanish() else self.name

    @property
    def shown_description(self):
        return self.description_es if self.description_es and _in_spanish() else self.description

    @staticmethod
    def in_shown_order(topics):
        """The topics alphabetically by the names shown, sorted on the list in hand: the
        database would sort by the English name, and by case and accent."""
        return sorted(topics, key=lambda topic: _reading_order(topic.shown_name))

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


def _in_spanish():
    return (get_language() or "").split("-")[0] == "es"


def _reading_order(name):
    """A name's place in an alphabetical list as readers expect it: regardless of case and
    accents ("Á" with "A"), and with "ñ" after "n", as Spanish has it."""
    letters = unicodedata.normalize("NFC", name.casefold()).replace("ñ", "n\uffff")
    decomposed = unicodedata.normalize("NFKD", letters)
    return "".join(c for c in decomposed if not unicodedata.combining(c)), name
