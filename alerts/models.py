"""Email alerts: readers who follow the news by email, and the items announced to them.

This app sits above news and membership: it follows news's pages and topics and sends through
the outbox that the membership emails use (membership.models.QueuedEmail). Neither imports it.
"""

import secrets
from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from news.models import Topic

# What an unconfirmed subscription waits for its confirmation before it is deleted.
UNCONFIRMED_FOR = timedelta(days=30)
DIGEST_EVERY = timedelta(days=7)


def new_key():
    """The secret its emailed links carry (signed, alerts/links.py): unguessable, and new for
    each subscription, so that links to a cancelled one never work again."""
    return secrets.token_urlsafe(24)


class Kind(models.TextChoices):
    """What an announced item is, as subscribers choose what to follow."""

    NEWS = "news", "News item"
    BRIEFING = "briefing", "Briefing"
    EVENT = "event", "Event"


class SubscriptionQuerySet(models.QuerySet):
    def for_email(self, email):
        return self.filter(email__iexact=email.strip())

    def confirmed(self):
        return self.filter(confirmed_at__isnull=False)

    def unconfirmed(self):
        return self.filter(confirmed_at__isnull=True)

    def following(self, kind, topic_ids):
        """Those whose choices take in an item of this kind with these topics."""
        wanted = Q(topics__in=topic_ids) if topic_ids else Q(pk__in=[])
        if kind == Kind.EVENT:
            wanted |= Q(events=True)
        else:
            wanted |= Q(news=True)
            if kind == Kind.BRIEFING:
                wanted |= Q(briefings=True)
        # A subscriber following two of the item's topics is still one recipient.
        return self.filter(pk__in=self.filter(wanted).values("pk"))


class Subscription(models.Model):
    """One email address and what it follows. One row per address, in any capitals; nothing is
    sent to it but the confirmation until it is confirmed."""

    class Frequency(models.TextChoices):
        IMMEDIATE = "immediate", _("An email for each item, as it is published")
        WEEKLY = "weekly", _("A weekly digest")

    email = models.EmailField(max_length=254)
    key = models.CharField(max_length=64, unique=True, default=new_key, editable=False)
    news = models.BooleanField(
        "all news and briefings", default=False, help_text=_("Every news item and briefing.")
    )
    briefings = models.BooleanField(
        "briefings",
        default=False,
        help_text=_("Each numbered briefing as it is published."),
    )
    events = models.BooleanField(
        "events", default=False, help_text=_("Events as they are announced.")
    )
    topics = models.ManyToManyField(
        "news.Topic",
        blank=True,
        related_name="subscriptions",
        help_text="Items on any of these topics, of every kind.",
    )
    frequency = models.CharField(
        max_length=20, choices=Frequency.choices, default=Frequency.IMMEDIATE
    )
    # The language of the page subscribed on: its emails, their links and the pages those lead
    # to are in it, and it gets the items published in it.
    language = models.CharField(
        max_length=10, choices=settings.LANGUAGES, default=settings.LANGUAGE_CODE
    )
    created_at = models.DateTimeField("subscribed", default=timezone.now, db_index=True)
    confirmation_sent_at = models.DateTimeField(null=True, blank=True)
    confirmed_at = models.DateTimeField("confirmed", null=True, blank=True, db_index=True)
    # A weekly digest covers what was announced from digest_from up to next_digest_at.
    digest_from = models.DateTimeField(null=True, blank=True)
    next_digest_at = models.DateTimeField(null=True, blank=True, db_index=True)

    objects = SubscriptionQuerySet.as_manager()

    SUBSCRIBER_FIELDS = ["email", "news", "briefings", "events", "frequency", "language"]

    class Meta:
        verbose_name = "email alert subscription"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="alerts_one_subscription_per_address")
        ]

    def __str__(self):
        return self.email

    @property
    def is_confirmed(self):
        return self.confirmed_at is not None

    def confirm(self, now=None):
        """Confirms it, once: a second confirmation changes nothing."""
        if self.confirmed_at is not None:
            return False
        now = now or timezone.now()
        self.confirmed_at = now
        self.digest_from = now
        self.next_digest_at = now + DIGEST_EVERY
        self.save(update_fields=["confirmed_at", "digest_from", "next_digest_at"])
        return True

    def choices_label(self, topics=None):
        """What it follows, in words, e.g. "Briefings, Events, Mining"."""
        topics = self.topics.all() if topics is None else topics
        parts = [
            label
            for chosen, label in (
                (self.news, gettext("All news and briefings")),
                (self.briefings and not self.news, gettext("Briefings")),
                (self.events, gettext("Events")),
            )
            if chosen
        ]
        return ", ".join([*parts, *(topic.shown_name for topic in Topic.in_shown_order(topics))])


class Announcement(models.Model):
    """An item announced to subscribers: one row per page, ever, made in the transaction that
    first publishes it, so that republishing, a second scheduler or an edit never announce it
    again. The scheduler queues its emails in chunks, and records how far it got in the
    transaction that queues each chunk."""

    class Status(models.TextChoices):
        PENDING = "pending", "Being queued"
        QUEUED = "queued", "Queued for every subscriber"
        BACK_DATED = "back-dated", "Not sent: back-dated by more than a week"

    page = models.OneToOneField(
        "wagtailcore.Page", on_delete=models.CASCADE, related_name="alert_announcement"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    topic_ids = models.JSONField(default=list, blank=True)
    published_at = models.DateTimeField(default=timezone.now, db_index=True)
    status = models.CharField(
        max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True
    )
    recipients = models.PositiveIntegerField(default=0)
    queued_up_to = models.BigIntegerField(
        default=0, help_text="The last subscription (by id) whose email is queued."
    )

    class Meta:
        ordering = ["-published_at", "-pk"]

    def __str__(self):
        return f"Announcement of page {self.page_id} ({self.get_status_display()})"
