"""The emails of email alerts, put in the outbox (membership.models.QueuedEmail) by the
scheduler, which then sends them with the membership emails.

An announced item is queued in chunks of subscribers, by subscription id, each chunk in a
transaction that also records how far the queueing got: a scheduler stopped half-way goes on
from there, and two schedulers never queue a chunk twice. The email is rendered once per item
(and a digest once per list of items) with markers where each subscriber's own links and
address go, so that ten thousand subscribers cost ten thousand string substitutions, not ten
thousand template renders; the queries of a chunk do not grow with it.

Each subscriber is sent the items published in their language, and only those: a Spanish
subscriber gets the Spanish items, an English one the English items. An item that exists only in
English is not sent to Spanish subscribers (the Spanish subscribe page says the alerts bring the
items published in Spanish); its Spanish translation, published later, is announced to them
then, unless it is back-dated by then (announcements.BACK_DATED_AFTER). Every email, its dates
and the links to manage or leave are in the subscriber's language.
"""

import copy
import logging
import secrets
from dataclasses import dataclass
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.db.models import F, prefetch_related_objects
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from wagtail.models import Page, Site

from home.dates import long_date, long_datetime
from home.models import SiteSettings
from membership.models import QueuedEmail
from news.models import NewsItemPage, Topic

from .links import manage_token, site_root_url
from .models import DIGEST_EVERY, Announcement, Kind, Subscription

logger = logging.getLogger("alerts.delivery")

# Subscribers queued in one transaction: large enough to be quick, small enough that the
# announcement's row is not locked for long.
CHUNK_SIZE = 500
DIGEST_BATCH_SIZE = 200
SUBJECT_LENGTH = QueuedEmail._meta.get_field("subject").max_length


# What the emails show ----------------------------------------------------------------------


def organisation_name(site):
    if site is not None:
        return SiteSettings.for_site(site).organisation_name
    return SiteSettings._meta.get_field("organisation_name").default


def kind_label(kind, page):
    if kind == Kind.EVENT:
        return _("Event")
    if kind == Kind.BRIEFING:
        number = getattr(page, "issue_number", None)
        return _("Briefing %(number)s") % {"number": number} if number else _("Briefing")
    return _("News")


def item_for_email(page, kind):
    """What an email says of an item: its kind, title, date, summary and address."""
    start = getattr(page, "start", None) if kind == Kind.EVENT else None
    if kind == Kind.EVENT:
        when = (
            _("%(date)s (UK time)") % {"date": long_datetime(timezone.localtime(start))}
            if start
            else _("Date to be confirmed")
        )
    else:
        when = long_date(page.date)
    return {
        "kind": kind_label(kind, page),
        "title": page.title,
        "when": when,
        "summary": page.summary,
        "url": page.get_full_url(),
    }


def reason(subscription, kind, topic_names):
    """Why this subscriber gets this item, in words: what of theirs it matched."""
    reasons = []
    if kind == Kind.EVENT and subscription.events:
        reasons.append(_("events"))
    if kind != Kind.EVENT and subscription.news:
        reasons.append(_("all news and briefings"))
    elif kind == Kind.BRIEFING and subscription.briefings:
        reasons.append(_("briefings"))
    if topic_names:
        reasons.append(topics_reason(topic_names))
    return join_words(reasons)


def topics_reason(names):
    return ngettext("the topic %(topics)s", "the topics %(topics)s", len(names)) % {
        "topics": join_words(names)
    }


def join_words(words):
    words = list(words)
    if len(words) <= 1:
        return "".join(words)
    # Translators: the last two of a list, e.g. "events, briefings and the topic Mining".
    return _("%(words)s and %(last)s") % {"words": ", ".join(words[:-1]), "last": words[-1]}


class Links:
    """Each subscriber's manage and unsubscribe addresses in one language, as alerts.links
    makes them, from one reverse() of each: the signed token is all that differs."""

    PLACEHOLDER = "token-placeholder"

    def __init__(self, root_url, language):
        with translation.override(language):
            self.manage = root_url + reverse("alerts:manage", args=[self.PLACEHOLDER])
            self.unsubscribe = root_url + reverse("alerts:unsubscribe", args=[self.PLACEHOLDER])

    def for_subscription(self, subscription):
        token = manage_token(subscription)
        return (
            self.manage.replace(self.PLACEHOLDER, token),
            self.unsubscribe.replace(self.PLACEHOLDER, token),
        )


@dataclass
class Rendered:
    """An email rendered once, with markers where each subscriber's own details go. The
    markers are random, so no item's text can contain one."""

    subject: str
    text: str
    html: str
    markers: dict

    @classmethod
    def render(cls, template, subject, context):
        markers = {
            name: f"{name}-{secrets.token_hex(8)}"
            for name in ("email", "reason", "manage_url", "unsubscribe_url")
        }
        context = {**context, **markers}
        return cls(
            subject=" ".join(subject.split())[:SUBJECT_LENGTH],
            text=render_to_string(f"alerts/emails/{template}.txt", context),
            html=render_to_string(f"alerts/emails/{template}.html", context),
            markers=markers,
        )

    def email(self, subscription, links, list_id, why, now):
        manage, unsubscribe = links.for_subscription(subscription)
        values = {
            "email": subscription.email,
            "reason": why,
            "manage_url": manage,
            "unsubscribe_url": unsubscribe,
        }
        text, html = self.text, self.html
        for name, marker in self.markers.items():
            text = text.replace(marker, values[name])
            html = html.replace(marker, escape(values[name]))
        return QueuedEmail(
            to=[subscription.email],
            subject=self.subject,
            body=text,
            html_body=html,
            headers={
                "List-Unsubscribe": f"<{unsubscribe}>",
                "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                "List-Id": list_id,
            },
            next_attempt_at=now,
        )


def list_id(organisation, root_url):
    """RFC 2919: the list's name and an identifier under the site's own domain."""
    host = urlsplit(root_url).hostname or "localhost"
    return f"{organisation} email alerts <alerts.{host}>"


class Sender:
    """What every alert of one site in one language shares: the organisation, the List-Id and
    the links in that language, to the subscribers of that language."""

    def __init__(self, site, language=settings.LANGUAGE_CODE):
        self.organisation = organisation_name(site)
        self.root_url = site.root_url if site is not None else site_root_url()
        self.list_id = list_id(self.organisation, self.root_url)
        self.language = language
        self.links = Links(self.root_url, language)
        self.others = {}

    def in_language(self, language):
        """The same site's sender in another language, made once, with no query."""
        if language == self.language:
            return self
        if language not in self.others:
            other = copy.copy(self)
            other.language = language
            other.links = Links(self.root_url, language)
            self.others[language] = other
        return self.others[language]


# Alerts as items are published -------------------------------------------------------------


def queue_pending_announcements(now=None, chunk_size=CHUNK_SIZE):
    """Queues the emails of every announcement still being queued; returns how many."""
    now = now or timezone.now()
    pending = Announcement.objects.filter(status=Announcement.Status.PENDING)
    queued = 0
    for pk in list(pending.order_by("published_at", "pk").values_list("pk", flat=True)):
        # One that fails is logged and tried again next pass, and holds up none of the others;
        # the chunks it queued stay queued.
        try:
            queued += queue_announcement(pk, now, chunk_size)
        except Exception:
            logger.exception("Could not queue the alerts of announcement %s", pk)
    return queued


def queue_announcement(pk, now, chunk_size=CHUNK_SIZE):
    announcement = Announcement.objects.filter(pk=pk, status=Announcement.Status.PENDING).first()
    if announcement is None:  # another scheduler finished it
        return 0
    page = Page.objects.live().public().filter(pk=announcement.page_id).specific().first()
    if page is None:
        withdraw(pk)
        return 0
    site = page.get_site()
    sender = Sender(site, page.locale.language_code)
    rendered = render_alert(page, announcement, sender)
    # The names in the item's language, in the order a reason lists them.
    with translation.override(sender.language):
        topics = Topic.in_shown_order(Topic.objects.filter(pk__in=announcement.topic_ids))
        topic_names = {topic.pk: topic.shown_name for topic in topics}
    queued = 0
    while True:
        chunk, done = queue_chunk(pk, rendered, sender, topic_names, now, chunk_size)
        queued += chunk
        if done:
            break
    if queued:
        logger.info("Queued %d alert(s) of %s %s", queued, announcement.kind, page.pk)
    return queued


def withdraw(pk):
    """An item unpublished (or made private) before its emails were queued is not announced:
    the row goes, so that publishing it again announces it then. One already queued for some
    subscribers is stopped where it is, so that none of them gets it twice."""
    with transaction.atomic():
        announcement = (
            Announcement.objects.select_for_update()
            .filter(pk=pk, status=Announcement.Status.PENDING)
            .first()
        )
        if announcement is None:
            return
        if announcement.queued_up_to == 0:
            announcement.delete()
            logger.info(
                "Withdrew the announcement of page %s: no longer public", announcement.page_id
            )
        else:
            announcement.status = Announcement.Status.QUEUED
            announcement.save(update_fields=["status"])
            logger.info("Stopped announcing page %s: no longer public", announcement.page_id)


def render_alert(page, announcement, sender):
    with translation.override(sender.language):
        item = item_for_email(page, announcement.kind)
        return Rendered.render(
            "alert",
            _("%(kind)s: %(title)s") % {"kind": item["kind"], "title": item["title"]},
            {"item": item, "organisation": sender.organisation},
        )


def queue_chunk(pk, rendered, sender, topic_names, now, chunk_size):
    """Queues the next chunk of the subscribers in the sender's language (the item's); returns
    how many, and whether it was the last. topic_names: {the item's topics' ids: their names},
    in the order the emails list them."""
    with transaction.atomic():
        announcement = (
            Announcement.objects.select_for_update()
            .filter(pk=pk, status=Announcement.Status.PENDING)
            .first()
        )
        if announcement is None:
            return 0, True
        subscribers = list(
            Subscription.objects.confirmed()
            .filter(frequency=Subscription.Frequency.IMMEDIATE, language=sender.language)
            .following(announcement.kind, announcement.topic_ids)
            .filter(pk__gt=announcement.queued_up_to)
            .order_by("pk")[:chunk_size]
        )
        followed = topics_followed(subscribers, announcement.topic_ids)
        with translation.override(sender.language):
            emails = [
                rendered.email(
                    subscription,
                    sender.links,
                    sender.list_id,
                    reason(
                        subscription,
                        announcement.kind,
                        [
                            name
                            for topic, name in topic_names.items()
                            if topic in followed.get(subscription.pk, ())
                        ],
                    ),
                    now,
                )
                for subscription in subscribers
            ]
        QueuedEmail.objects.bulk_create(emails)
        done = len(subscribers) < chunk_size
        if subscribers:
            announcement.queued_up_to = subscribers[-1].pk
            announcement.recipients += len(subscribers)
        if done:
            announcement.status = Announcement.Status.QUEUED
        announcement.save(update_fields=["queued_up_to", "recipients", "status"])
    return len(subscribers), done


def topics_followed(subscribers, topic_ids):
    """Which of these topics each subscriber follows, in one query."""
    if not subscribers or not topic_ids:
        return {}
    through = Subscription.topics.through.objects.filter(
        subscription_id__in=[s.pk for s in subscribers], topic_id__in=topic_ids
    )
    followed = {}
    for subscription_id, topic_id in through.values_list("subscription_id", "topic_id"):
        followed.setdefault(subscription_id, set()).add(topic_id)
    return followed


# The weekly digest -------------------------------------------------------------------------


def queue_due_digests(now=None, batch_size=DIGEST_BATCH_SIZE):
    """Queues the digest of each weekly subscriber whose week is up, of what was announced to
    it since the last; none where nothing was. Returns how many digests were queued."""
    now = now or timezone.now()
    queued = after = 0
    sender = None
    while True:
        with transaction.atomic():
            # Locked, so that a second scheduler waits, and then finds them not due.
            batch = list(
                Subscription.objects.confirmed()
                .filter(
                    frequency=Subscription.Frequency.WEEKLY, next_digest_at__lte=now, pk__gt=after
                )
                .order_by("pk")
                .select_for_update()[:batch_size]
            )
            if not batch:
                break
            sender = sender or Sender(Site.objects.filter(is_default_site=True).first())
            queued += queue_digest_batch(batch, sender, now)
            after = batch[-1].pk
        if len(batch) < batch_size:
            break
    if queued:
        logger.info("Queued %d weekly digest(s)", queued)
    return queued


def queue_digest_batch(batch, sender, now):
    prefetch_related_objects(batch, "topics")
    for subscription in batch:
        if subscription.digest_from is None:
            subscription.digest_from = now - DIGEST_EVERY
    items = announced_items(min(s.digest_from for s in batch), now)
    rendered = {}
    emails = []
    for subscription in batch:
        chosen = [item for item in items if wanted_in_digest(subscription, item)]
        if not chosen:
            continue
        # The items chosen are all in the subscriber's language: they name the rendering.
        key = tuple(item["pk"] for item in chosen)
        in_language = sender.in_language(subscription.language)
        if key not in rendered:
            rendered[key] = render_digest(chosen, in_language)
        with translation.override(subscription.language):
            why = digest_reason(subscription)
        emails.append(
            rendered[key].email(subscription, in_language.links, sender.list_id, why, now)
        )
    QueuedEmail.objects.bulk_create(emails)
    ids = [s.pk for s in batch]
    Subscription.objects.filter(pk__in=ids).update(
        digest_from=now, next_digest_at=F("next_digest_at") + DIGEST_EVERY
    )
    # A scheduler that was stopped for weeks sends one digest, not one for each week missed.
    Subscription.objects.filter(pk__in=ids, next_digest_at__lte=now).update(
        next_digest_at=now + DIGEST_EVERY
    )
    return len(emails)


def announced_items(since, now):
    """The items announced (not back-dated) from since up to now that are still live and
    public, newest first, each with what a digest shows of it, in its own language."""
    pages = (
        NewsItemPage.objects.live()
        .public()
        .filter(
            alert_announcement__published_at__gte=since,
            alert_announcement__published_at__lt=now,
        )
        .exclude(alert_announcement__status=Announcement.Status.BACK_DATED)
        .select_related("alert_announcement", "locale", "newspage", "eventpage")
        .order_by("-alert_announcement__published_at", "-pk")
    )
    items = []
    for page in pages:
        announcement = page.alert_announcement
        language = page.locale.language_code
        with translation.override(language):
            shown = item_for_email(page.detail, announcement.kind)
        items.append(
            {
                **shown,
                "pk": page.pk,
                "language": language,
                "kind_code": announcement.kind,
                "topic_ids": set(announcement.topic_ids),
                "published_at": announcement.published_at,
            }
        )
    return items


def wanted_in_digest(subscription, item):
    """SubscriptionQuerySet.following, for one subscriber and one item in their language,
    within its week."""
    if item["language"] != subscription.language or item["published_at"] < subscription.digest_from:
        return False
    kind = item["kind_code"]
    if kind == Kind.EVENT and subscription.events:
        return True
    if kind != Kind.EVENT and (
        subscription.news or (kind == Kind.BRIEFING and subscription.briefings)
    ):
        return True
    return bool(item["topic_ids"] & {topic.pk for topic in subscription.topics.all()})


def digest_reason(subscription):
    parts = [
        label
        for chosen, label in (
            (subscription.news, _("all news and briefings")),
            (subscription.briefings and not subscription.news, _("briefings")),
            (subscription.events, _("events")),
        )
        if chosen
    ]
    topics = [topic.shown_name for topic in Topic.in_shown_order(subscription.topics.all())]
    if topics:
        parts.append(topics_reason(topics))
    return join_words(parts)


def render_digest(items, sender):
    count = len(items)
    with translation.override(sender.language):
        subject = ngettext(
            "Your weekly digest from the %(organisation)s: %(count)s new item",
            "Your weekly digest from the %(organisation)s: %(count)s new items",
            count,
        ) % {"organisation": sender.organisation, "count": count}
        return Rendered.render(
            "digest",
            subject,
            {"items": items, "organisation": sender.organisation},
        )
