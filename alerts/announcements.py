"""Announcing a news item, briefing or event when it is first published.

Wagtail's page_published signal comes from the transaction that publishes the page (the
scheduler's, or the editor's request), so the announcement is stored with the publication or
not at all. One row per page, ever: republishing or editing never announces it again. The emails
are queued later, by the scheduler (alerts/delivery.py).
"""

import datetime
import logging

from django.db import IntegrityError, transaction
from django.utils import timezone

from wagtail.signals import page_published

from news.models import EventPage, NewsPage

from .models import Announcement, Kind

logger = logging.getLogger("alerts.announcements")

# An item dated further back than this when first published is an import of an old item: it
# is recorded as back-dated and mailed to no one.
BACK_DATED_AFTER = datetime.timedelta(days=7)


def kind_of(page):
    if isinstance(page, EventPage):
        return Kind.EVENT
    if isinstance(page, NewsPage):
        return Kind.BRIEFING if page.is_briefing else Kind.NEWS
    return None


def announce(page, now=None):
    """Records the announcement of a page just published, unless it is not announced at all
    (not an item, not live, private) or already was. Returns the new Announcement or None."""
    kind = kind_of(page)
    if kind is None or not page.live or page.alias_of_id:
        return None
    if Announcement.objects.filter(page_id=page.pk).exists():
        return None
    # A private item is not announced; no row, so that making it public later announces it.
    if page.get_view_restrictions().exists():
        return None
    now = now or timezone.now()
    back_dated = page.date < timezone.localdate(now) - BACK_DATED_AFTER
    announcement = Announcement(
        page_id=page.pk,
        kind=kind,
        topic_ids=sorted(topic.pk for topic in page.topics.all()),
        published_at=now,
        status=Announcement.Status.BACK_DATED if back_dated else Announcement.Status.PENDING,
    )
    if not insert(announcement):
        return None
    logger.info(
        "Announced %s %s (%s)", announcement.get_kind_display(), page.pk, announcement.status
    )
    return announcement


def insert(announcement):
    """Stores a new announcement unless its page has one; True when it was stored. In a
    savepoint: a second publisher (another scheduler) that got there first leaves the
    publishing transaction intact, and this one simply finds the page announced."""
    try:
        with transaction.atomic():
            announcement.save(force_insert=True)
    except IntegrityError:
        return False
    return True


def page_was_published(sender, instance, alias=False, **kwargs):
    if not alias:
        announce(instance)


def register_signal_handlers():
    page_published.connect(page_was_published, dispatch_uid="alerts.announce_on_publication")
