"""RSS 2.0 and Atom feeds of the news, built by Django's syndication framework."""

import datetime

from django.contrib.syndication.views import Feed
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.utils.html import escape
from django.utils.translation import gettext as _

# The formats readers can follow a listing in: name in the URL -> (label, content type).
FEED_TYPES = {"rss": ("RSS", "application/rss+xml"), "atom": ("Atom", "application/atom+xml")}
FEED_LENGTH = 20


class NewsFeed(Feed):
    """One listing of the news index as a feed: the newest items, each dated by its own date."""

    def __init__(self, feed_format, items, heading, link, description):
        super().__init__()
        self.feed_type = Atom1Feed if feed_format == "atom" else Rss201rev2Feed
        self._items = items.prefetch_related("topics")[:FEED_LENGTH]
        self._heading = heading
        self._link = link
        self._description = description

    def __call__(self, request, *args, **kwargs):
        self.request = request
        return super().__call__(request, *args, **kwargs)

    def title(self):
        return f"{self._heading} | Peru Support Group"

    def link(self):
        return self._link

    def description(self):
        # Readers take the channel's description as HTML, like each item's: the intro is text.
        return escape(
            self._description or _("News, briefings and events from the Peru Support Group.")
        )

    def items(self):
        return self._items

    def item_title(self, item):
        label = item.kind_label
        return f"{label}: {item.title}" if label else item.title

    def item_description(self, item):
        # Readers take an item's description as HTML (Atom's summary says type="html"); the
        # summary is plain text, so markup typed into it must reach them as text.
        return escape(item.summary)

    def item_link(self, item):
        return item.get_full_url(self.request)

    def item_guid(self, item):
        return item.get_full_url(self.request)

    def item_pubdate(self, item):
        # The item's own date (midnight, UK time), not when it was published on this site.
        return timezone.make_aware(datetime.datetime.combine(item.date, datetime.time()))

    def item_updateddate(self, item):
        return item.last_published_at or self.item_pubdate(item)

    def item_categories(self, item):
        return [topic.shown_name for topic in item.sorted_topics()]
