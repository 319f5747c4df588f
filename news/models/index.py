"""The news index: every listing of the news, its feeds and its event calendars."""

import datetime

from django.db import connection, models
from django.http import Http404
from django.utils.translation import gettext, pgettext
from django.utils.translation import gettext_lazy as _

from wagtail.admin.panels import FieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page

from home.models import SitePage
from home.pagination import paginate, paginate_by_keys
from home.visibility import active_locale, once_per_generation

from ..calendar import calendar_response
from ..feeds import FEED_TYPES, NewsFeed
from .events import EventPage
from .items import NewsItemPage
from .topics import Topic


class NewsIndexPage(RoutablePageMixin, SitePage):
    """The news: all of it, or one topic, one kind or one year of it, each at its own address."""

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage", "news.BriefingPage", "news.EventPage"]
    max_count = 1

    intro = models.TextField(blank=True, help_text="A sentence at the top of the news listing.")

    content_panels = [
        *Page.content_panels,
        FieldPanel(
            "intro",
            help_text="A sentence at the top of the news listing. The news listings show news "
            "items, briefings and events newest first by their date (for an event, the date it "
            "was announced); the events listings, under Events in the menu, go by each event's "
            "own start.",
        ),
    ]

    class Meta:
        verbose_name = _("news index page")

    items_per_page = 10
    KINDS = {
        "news": (_("News items"), models.Q(newspage__is_briefing=False)),
        "briefings": (_("Briefings"), models.Q(newspage__is_briefing=True)),
        "events": (_("Events"), models.Q(eventpage__isnull=False)),
    }
    # Each kind's name among the filter links, beside "Everything".
    KIND_LINK_TITLES = {"news": _("News"), "briefings": _("Briefings"), "events": _("Events")}

    # What a listing says when it has nothing to list, by route or kind.
    EMPTY_TEXTS = {
        "all_items": _("There is no news yet."),
        "news": _("No news items yet."),
        "briefings": _("No briefings yet."),
        "events": _("No events yet."),
    }

    @classmethod
    def live_index(cls):
        """The live, public news index in the request's language (the site has one in each),
        read once a generation; None where there is none in it."""
        locale = active_locale()
        return once_per_generation(
            ("news-index", locale and locale.pk),
            lambda: locale and cls.objects.live().public().filter(locale=locale).first(),
        )

    def news_items(self):
        """Everything the index lists, newest first, in one query: the rows that tell a news
        item from a briefing or an event come with it (see NewsItemPage.detail)."""
        return (
            NewsItemPage.objects.child_of(self)
            .live()
            .public()
            .order_by("-date", "-pk")
            .select_related(*NewsItemPage.LISTING_RELATED)
            # Listings and feeds show summaries: sorting the archive with its bodies cost most.
            .defer_streamfields()
        )

    def get_cached_paths(self):
        """What a CDN in front must drop when the index or an item in it changes: the listing,
        the feeds and the events pages (Wagtail's frontend cache purges these paths)."""
        return [
            "/",
            *(self.reverse_subpage("feed", args=[f]) for f in ("rss", "atom")),
            self.reverse_subpage("upcoming_events"),
            self.reverse_subpage("past_events"),
            self.reverse_subpage("events_calendar"),
        ]

    # Each listing is a route; the ones readers can follow also have RSS and Atom feeds.
    @path("")
    def all_items(self, request):
        return self.listing(request, "all_items")

    @path("topic/<slug:topic>/")
    def by_topic(self, request, topic):
        return self.listing(request, "by_topic", topic)

    @path("kind/<slug:kind>/")
    def by_kind(self, request, kind):
        return self.listing(request, "by_kind", kind)

    @path("<int:year>/")
    def by_year(self, request, year):
        return self.listing(request, "by_year", year)

    @path("feed/<slug:feed_format>/", name="feed")
    def all_items_feed(self, request, feed_format):
        return self.feed(request, feed_format, "all_items")

    @path("topic/<slug:topic>/feed/<slug:feed_format>/", name="topic_feed")
    def topic_feed(self, request, topic, feed_format):
        return self.feed(request, feed_format, "by_topic", topic)

    @path("kind/<slug:kind>/feed/<slug:feed_format>/", name="kind_feed")
    def kind_feed(self, request, kind, feed_format):
        return self.feed(request, feed_format, "by_kind", kind)

    @path("events/", name="upcoming_events")
    def upcoming_events(self, request):
        events = self.events().with_listing_images()
        dated = list(events.upcoming().dated())
        return self.render(
            request,
            template="news/events.html",
            context_overrides={
                "heading": gettext("Upcoming events"),
                "events": dated,
                "unconfirmed": events.date_to_be_confirmed(),
                "canonical_url": self.canonical_url(request, "upcoming_events"),
                # With an upcoming event the calendar has one: no need to ask.
                "calendar_url": self.calendar_url(request, has_events=bool(dated) or None),
                **self.events_breadcrumbs(request),
                "menu_section": "events",
                "menu_section_listing": True,
            },
        )

    @path("events/past/", name="past_events")
    def past_events(self, request):
        past = self.events().past().with_listing_images()
        page_of_events = paginate(request, past, self.items_per_page)
        canonical = self.canonical_url(request, "past_events", page=page_of_events.number)
        return self.render(
            request,
            template="news/events.html",
            context_overrides={
                "heading": gettext("Past events"),
                "events": page_of_events,
                "past": True,
                "canonical_url": canonical,
                "calendar_url": self.calendar_url(request),
                **self.events_breadcrumbs(request, past=True),
                "menu_section": "events",
            },
        )

    def events_breadcrumbs(self, request, past=False):
        """The crumbs after the home page to an events listing: News > Events (> Past events),
        as the menu has Events beside News."""
        trail = [{"title": self.title, "url": self.get_url(request)}]
        if past:
            trail.append(
                {"title": gettext("Events"), "url": self.url_of(request, "upcoming_events")}
            )
        current = gettext("Past events") if past else gettext("Events")
        return {"breadcrumbs": trail, "breadcrumb_current": current}

    def subpath_in_translation(self, translation, subpath):
        """A year's or a topic's listing leads to the translation's whole news: the other
        language may have no item of that year or topic (a 404 there), and knowing would cost
        each listing a query. Other listings (the events, the kinds of item) exist in both."""
        try:
            match = self.resolve_subpage("/" + subpath)
        except Http404:
            return ""
        return "" if match.url_name in ("by_year", "by_topic") else subpath

    @classmethod
    def feed_path(cls, feed_format="rss"):
        """The feed of all the news, below the index's own address."""
        return cls.get_resolver().reverse("feed", feed_format)

    @classmethod
    def topic_path(cls, slug):
        """A topic's listing, below the index's own address."""
        return cls.get_resolver().reverse("by_topic", slug)

    def url_of(self, request, route, *args):
        return self.get_url(request) + self.reverse_subpage(route, args=list(args))

    @classmethod
    def directory_sections(cls):
        """The listings offered among the site's main sections (on the page-not-found page)."""
        return [
            ("briefings", gettext("Briefings"), cls.get_resolver().reverse("by_kind", "briefings")),
            *cls.menu_sections(),
        ]

    @classmethod
    def menu_sections(cls):
        """Listings that the main menu shows beside this page's own entry: (key, title, path
        below this page). Pages in them say which they belong to (menu_section)."""
        return [("events", gettext("Events"), cls.get_resolver().reverse("upcoming_events"))]

    def calendar_url(self, request, has_events=None):
        """The address of the events calendar to offer readers, or None while it holds no event
        (the calendar itself still answers, empty, for those who subscribed)."""
        if has_events is None:
            has_events = self.events().dated().exists()
        if not has_events:
            return None
        return self.url_of(request, "events_calendar")

    @path("events/calendar/", name="events_calendar")
    def events_calendar(self, request):
        # Wagtail serves only paths that end in a slash, hence no ".ics" in the address.
        return calendar_response(request, self.events().dated(), filename="psg-events.ics")

    def events(self):
        return EventPage.objects.child_of(self).live().public()

    FEED_ROUTES = {"all_items": "feed", "by_topic": "topic_feed", "by_kind": "kind_feed"}

    def filtered(self, route, *args):
        """The items and heading of one listing; Http404 where the filter names nothing or,
        for a topic or a year, finds nothing."""
        items, heading, _description = self.filtered_with_description(route, *args)
        if route == "by_year" and args[0] not in self.years():
            raise Http404("No news from that year.")
        return items, heading

    def filtered_with_description(self, route, *args):
        """As filtered(), with the words that introduce the listing (a topic's description),
        and without looking whether a year has any items: a listing's count does."""
        if route == "by_topic":
            (slug,) = args
            topic = next((topic for topic in self.topics() if topic.slug == slug), None)
            if topic is None:
                raise Http404("No news on that topic.")
            items = self.news_items().filter(tagged_items__tag=topic)
            heading = gettext("Topic: %(topic)s") % {"topic": topic.shown_name}
            return items, heading, topic.shown_description
        return *self.filtered_by(route, *args), ""

    def filtered_by(self, route, *args):
        items = self.news_items()
        if route == "all_items":
            return items, self.title
        if route == "by_kind":
            (kind,) = args
            if kind not in self.KINDS:
                raise Http404("No such kind of news.")
            heading, condition = self.KINDS[kind]
            return items.filter(condition), heading
        if route == "by_year":
            (year,) = args
            if not datetime.MINYEAR <= year <= datetime.MAXYEAR:
                raise Http404("No such year.")
            return items.filter(date__year=year), gettext("News from %(year)s") % {"year": year}
        raise ValueError(route)

    def listing(self, request, route, *args):
        items, heading, description = self.filtered_with_description(route, *args)
        if route == "by_year" and args[0] not in self.years():
            raise Http404("No news from that year.")
        # The listing's order, its items' keys, read once a generation: it gives the count, and
        # a page is read by its keys, so that a deep page costs what the first does.
        keys = once_per_generation(
            ("keys", self.pk, route, *args), lambda: list(items.values_list("pk", flat=True))
        )
        page_of_items = paginate_by_keys(
            request, keys, items.with_listing_images(), self.items_per_page
        )
        subpath = self.reverse_subpage(route, args=list(args))
        canonical = self.canonical_url(request, route, *args, page=page_of_items.number)
        listing_url = self.get_url(request) + subpath
        context = {
            "items": page_of_items,
            "heading": heading,
            "topic_description": description,
            "canonical_url": canonical,
            "listing_url": listing_url,
            "feeds": self.feed_links(request, route, *args, heading=heading),
            "filters": self.filter_links(request, listing_url),
            "empty_text": self.EMPTY_TEXTS.get(args[0] if route == "by_kind" else route),
        }
        if route != "all_items":
            context["breadcrumbs"] = [{"title": self.title, "url": self.get_url(request)}]
            context["breadcrumb_current"] = heading
        if route == "by_kind" and args[0] == "events":
            context["calendar_url"] = self.calendar_url(request)
        if route == "by_topic":
            context["topic"] = next(topic for topic in self.topics() if topic.slug == args[0])
        return self.render(request, context_overrides=context)

    def filter_links(self, request, listing_url):
        """The listing's filters, in groups: {"heading", "links": [{"title", "url", "current"}]};
        the listing shows them twice (news/includes/listing_filters.html), and a listing has
        fifty or so."""
        base = self.get_url(request)

        def link(title, route, *args):
            url = base + self.reverse_subpage(route, args=list(args))
            return {"title": title, "url": url, "current": url == listing_url}

        groups = [
            (
                pgettext("news filters", "Show"),
                [
                    link(gettext("Everything"), "all_items"),
                    *(
                        link(title, "by_kind", kind)
                        for kind, title in self.KIND_LINK_TITLES.items()
                    ),
                ],
            ),
            (
                gettext("Events"),
                [
                    link(gettext("Upcoming events"), "upcoming_events"),
                    link(gettext("Past events"), "past_events"),
                ],
            ),
            (
                gettext("Topics"),
                [
                    link(topic.shown_name, "by_topic", topic.slug)
                    for topic in Topic.in_shown_order(self.topics())
                ],
            ),
            (gettext("Years"), [link(str(year), "by_year", year) for year in self.years()]),
        ]
        return [{"heading": heading, "links": links} for heading, links in groups if links]

    def canonical_url(self, request, route, *args, page=1):
        """The one address of a listing (and of its page, past the first)."""
        url = self.get_full_url(request) + self.reverse_subpage(route, args=list(args))
        return f"{url}?page={page}" if page > 1 else url

    def feed_links(self, request, route, *args, heading):
        """The feeds that follow a listing, for its <link rel="alternate"> and "Follow" links."""
        if route not in self.FEED_ROUTES:
            return []
        base = self.get_full_url(request)
        return [
            {
                "title": f"{heading} ({label})",
                "label": label,
                "type": content_type,
                "url": base
                + self.reverse_subpage(self.FEED_ROUTES[route], args=[*args, feed_format]),
            }
            for feed_format, (label, content_type) in FEED_TYPES.items()
        ]

    def feed(self, request, feed_format, route, *args):
        if feed_format not in FEED_TYPES:
            raise Http404("No such feed format.")
        items, heading = self.filtered(route, *args)
        link = self.canonical_url(request, route, *args)
        return NewsFeed(feed_format, items, heading, link, self.intro)(request)

    def get_sitemap_urls(self, request=None):
        """The index, the events listings, and each kind, topic and year listing that has
        items, which search engines should find too."""
        urls = super().get_sitemap_urls(request)
        lastmod = urls[0]["lastmod"] if urls else None
        items = self.news_items().order_by()
        kinds = items.aggregate(
            **{
                kind: models.Count("pk", filter=condition)
                for kind, (_, condition) in self.KINDS.items()
            }
        )
        for route, args in [
            ("upcoming_events", []),
            ("past_events", []),
            *[("by_kind", [kind]) for kind, count in kinds.items() if count],
            *[("by_topic", [topic.slug]) for topic in self.topics()],
            *[("by_year", [year]) for year in self.years()],
        ]:
            location = self.canonical_url(request, route, *args)
            urls.append({"location": location, "lastmod": lastmod})
        return urls

    def topics(self):
        """The topics that live items carry, for the filter links, read once a generation. Each
        topic is looked up in its own items (there are a few dozen topics), so that the cost
        does not grow with the archive as a scan of every item's topics would."""

        def read():
            carried = NewsItemPage.objects.child_of(self).live().public().order_by()
            carried = carried.filter(tagged_items__tag=models.OuterRef("pk"))
            return list(Topic.objects.filter(models.Exists(carried)).order_by("name"))

        return once_per_generation(("topics", self.pk), read)

    def years(self):
        """The years that have items, newest first, read once a generation. Each year is found
        by one step down the items' date index (news_item_by_date), to the newest item before
        the year last found, so that the cost grows with the years, not with the archive as a
        pass over every item's date would."""

        def read():
            items, params = self.news_items().order_by().values("date").query.sql_with_params()
            start_of_year, year = _YEAR_SQL[connection.vendor]
            sql = _YEARS_SQL.format(
                items=items,
                start_of_year=start_of_year.format(day="newest.day"),
                year=year.format(day="day"),
            )
            with connection.cursor() as cursor:
                cursor.execute(sql, [*params, *params])
                return [year for (year,) in cursor.fetchall()]

        return once_per_generation(("years", self.pk), read)


# The newest item's date, then the newest before the start of its year, and so on: one step
# down the index a year (a loose index scan), in one query.
_YEARS_SQL = """
    WITH RECURSIVE newest (day) AS (
        SELECT (SELECT items.date FROM ({items}) items ORDER BY items.date DESC LIMIT 1)
        UNION ALL
        SELECT (
            SELECT items.date FROM ({items}) items
            WHERE items.date < {start_of_year}
            ORDER BY items.date DESC LIMIT 1
        )
        FROM newest WHERE newest.day IS NOT NULL
    )
    SELECT {year} FROM newest WHERE day IS NOT NULL
"""
# The first day of a date's year, and its year, in each database's SQL (SQLite keeps a date as
# its ISO text).
_YEAR_SQL = {
    "postgresql": (
        "CAST(date_trunc('year', {day}) AS date)",
        "CAST(EXTRACT(YEAR FROM {day}) AS integer)",
    ),
    "sqlite": ("substr({day}, 1, 4) || '-01-01'", "CAST(substr({day}, 1, 4) AS integer)"),
}
