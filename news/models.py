import datetime

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone
from django.utils.functional import cached_property

from modelcluster.contrib.taggit import ClusterTaggableManager
from modelcluster.fields import ParentalKey
from taggit.models import Tag, TaggedItemBase
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.fields import StreamField
from wagtail.models import Page, PageManager, PageQuerySet
from wagtail.search import index

from home.blocks import BaseStreamBlock
from home.models import ListingFields
from home.pagination import paginate

from .calendar import calendar_response
from .feeds import FEED_TYPES, NewsFeed


class NewsIndexPage(RoutablePageMixin, Page):
    """The news: all of it, or one topic, one kind or one year of it, each at its own address."""

    parent_page_types = ["home.HomePage"]
    subpage_types = ["news.NewsPage", "news.EventPage"]
    max_count = 1

    intro = models.TextField(blank=True, help_text="A sentence at the top of the news listing.")

    content_panels = [*Page.content_panels, FieldPanel("intro")]

    class Meta:
        verbose_name = "news index page"

    items_per_page = 10
    KINDS = {
        "news": ("News items", models.Q(newspage__is_briefing=False)),
        "briefings": ("Briefings", models.Q(newspage__is_briefing=True)),
        "events": ("Events", models.Q(eventpage__isnull=False)),
    }

    def news_items(self):
        """Everything the index lists, newest first, in one query: the rows that tell a news
        item from a briefing or an event come with it (see NewsItemPage.detail)."""
        return (
            NewsItemPage.objects.child_of(self)
            .live()
            .public()
            .order_by("-date", "-pk")
            .select_related(*NewsItemPage.LISTING_RELATED)
        )

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
        events = self.events()
        return self.render(
            request,
            template="news/events.html",
            context_overrides={
                "heading": "Upcoming events",
                "events": events.upcoming(),
                "unconfirmed": events.date_to_be_confirmed().order_by("-date"),
                "canonical_url": self.get_full_url(request)
                + self.reverse_subpage("upcoming_events"),
            },
        )

    @path("events/past/", name="past_events")
    def past_events(self, request):
        page_of_events = paginate(request, self.events().past(), self.items_per_page)
        canonical = self.get_full_url(request) + self.reverse_subpage("past_events")
        if page_of_events.number > 1:
            canonical += f"?page={page_of_events.number}"
        return self.render(
            request,
            template="news/events.html",
            context_overrides={
                "heading": "Past events",
                "events": page_of_events,
                "past": True,
                "canonical_url": canonical,
            },
        )

    @path("events/calendar/", name="events_calendar")
    def events_calendar(self, request):
        # Wagtail serves only paths that end in a slash, hence no ".ics" in the address.
        return calendar_response(
            request, self.events().exclude(start__isnull=True), filename="psg-events.ics"
        )

    def events(self):
        return EventPage.objects.child_of(self).live().public().select_related("listing_image")

    FEED_ROUTES = {"all_items": "feed", "by_topic": "topic_feed", "by_kind": "kind_feed"}

    def filtered(self, route, *args):
        """The items and heading of one listing; Http404 where the filter names nothing."""
        items = self.news_items()
        if route == "all_items":
            return items, self.title
        if route == "by_topic":
            (topic,) = args
            items = items.filter(topics__slug=topic)
            name = Tag.objects.filter(slug=topic).values_list("name", flat=True).first()
            if name is None or not items.exists():
                raise Http404("No news on that topic.")
            return items, f"Topic: {name}"
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
            items = items.filter(date__year=year)
            if not items.exists():
                raise Http404("No news from that year.")
            return items, f"News from {year}"
        raise ValueError(route)

    def listing(self, request, route, *args):
        items, heading = self.filtered(route, *args)
        page_of_items = paginate(request, items, self.items_per_page)
        subpath = self.reverse_subpage(route, args=list(args))
        canonical = self.get_full_url(request) + subpath
        if page_of_items.number > 1:
            canonical += f"?page={page_of_items.number}"
        feeds = []
        if route in self.FEED_ROUTES:
            for feed_format, (label, content_type) in FEED_TYPES.items():
                feed_path = self.reverse_subpage(self.FEED_ROUTES[route], args=[*args, feed_format])
                feeds.append(
                    {
                        "title": f"{heading} ({label})",
                        "label": label,
                        "type": content_type,
                        "url": self.get_full_url(request) + feed_path,
                    }
                )
        return self.render(
            request,
            context_overrides={
                "items": page_of_items,
                "heading": heading,
                "canonical_url": canonical,
                "listing_url": self.get_url(request) + subpath,
                "feeds": feeds,
                "topics": self.topics(),
                "years": self.years(),
            },
        )

    def feed(self, request, feed_format, route, *args):
        if feed_format not in FEED_TYPES:
            raise Http404("No such feed format.")
        items, heading = self.filtered(route, *args)
        link = self.get_full_url(request) + self.reverse_subpage(route, args=list(args))
        return NewsFeed(feed_format, items, heading, link, self.intro)(request)

    def get_sitemap_urls(self, request=None):
        """The index, and each topic and year listing, which search engines should find too."""
        urls = super().get_sitemap_urls(request)
        base = self.get_full_url(request)
        lastmod = urls[0]["lastmod"] if urls else None
        for route, args in [
            *[("by_topic", [topic.slug]) for topic in self.topics()],
            *[("by_year", [year]) for year in self.years()],
        ]:
            urls.append(
                {"location": base + self.reverse_subpage(route, args=args), "lastmod": lastmod}
            )
        return urls

    def topics(self):
        """The topics that live items carry, for the filter links."""
        return (
            Tag.objects.filter(
                news_newsitemtopic_items__content_object__in=self.news_items().values("pk")
            )
            .distinct()
            .order_by("name")
        )

    def years(self):
        return [d.year for d in self.news_items().order_by().dates("date", "year", order="DESC")]


class NewsItemTopic(TaggedItemBase):
    content_object = ParentalKey(
        "news.NewsItemPage", on_delete=models.CASCADE, related_name="tagged_items"
    )


class NewsItemPage(ListingFields, Page):
    """What the news index lists. News items, briefings and events share this table, so one
    query can list them all in date order; it is never created on its own."""

    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []
    is_creatable = False

    date = models.DateField(
        "date",
        default=datetime.date.today,
        help_text="The date shown with the item. Change it for items that first appeared earlier.",
    )
    body = StreamField(
        BaseStreamBlock(),
        blank=True,
        help_text="The full text: paragraphs, headings, images, quotes, documents and more.",
    )
    topics = ClusterTaggableManager(
        "topics",
        through=NewsItemTopic,
        blank=True,
        help_text="Subjects such as Mining or Human rights. Readers can follow each topic.",
    )

    search_fields = [
        *Page.search_fields,
        *ListingFields.search_fields,
        index.SearchField("body"),
        index.FilterField("date"),
    ]

    class Meta:
        verbose_name = "news listing entry"

    # What a listing's single query loads along with each entry.
    LISTING_RELATED = ("listing_image", "newspage__briefing_document", "eventpage")

    @cached_property
    def detail(self):
        """This entry as the news item or event it is. Listings load that row in their own
        query (LISTING_RELATED); a news item or event on its own page is its own detail."""
        if type(self) is not NewsItemPage:
            return self
        for name in ("newspage", "eventpage"):
            try:
                return getattr(self, name)
            except ObjectDoesNotExist:
                continue
        return self

    @property
    def kind_label(self):
        """Shown beside the date in listings; plain news has none."""
        detail = self.detail
        return "" if detail is self else detail.kind_label


class NewsPage(NewsItemPage):
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []

    is_briefing = models.BooleanField(
        "this is a briefing",
        default=False,
        help_text="Tick for one of our numbered briefings.",
    )
    issue_number = models.PositiveIntegerField(
        "briefing number", null=True, blank=True, help_text="The briefing's number, if it has one."
    )
    briefing_document = models.ForeignKey(
        "wagtaildocs.Document",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The briefing as a PDF, if there is one.",
    )

    content_panels = [
        *Page.content_panels,
        FieldPanel("date"),
        *ListingFields.listing_panels,
        FieldPanel("body"),
        FieldPanel("topics"),
        MultiFieldPanel(
            [
                FieldPanel("is_briefing"),
                FieldPanel("issue_number"),
                FieldPanel("briefing_document"),
            ],
            heading="Briefing",
        ),
    ]

    class Meta:
        verbose_name = "news item"

    open_graph_type = "article"

    def structured_data(self, request, organisation, image_url):
        publisher = {"@type": "Organization", "name": organisation.organisation_name}
        data = {
            "@context": "https://schema.org",
            "@type": "NewsArticle",
            "headline": self.title,
            "description": self.summary,
            "datePublished": self.date.isoformat(),
            "url": self.get_full_url(request),
            "author": publisher,
            "publisher": publisher,
        }
        if self.last_published_at:
            data["dateModified"] = self.last_published_at.isoformat()
        if image_url:
            data["image"] = [image_url]
        return data

    @property
    def kind_label(self):
        if not self.is_briefing:
            return ""
        return f"Briefing {self.issue_number}" if self.issue_number else "Briefing"

    def clean(self):
        super().clean()
        errors = {}
        if not self.is_briefing and (self.issue_number or self.briefing_document_id):
            errors["is_briefing"] = "Tick this to give the item a briefing number or document."
        document = self.briefing_document
        if document is not None and document.file_extension.lower() != "pdf":
            errors["briefing_document"] = "Choose a PDF document."
        if self.is_briefing and self.issue_number:
            others = NewsPage.objects.filter(is_briefing=True, issue_number=self.issue_number)
            if others.exclude(pk=self.pk).exists():
                errors["issue_number"] = f"Briefing {self.issue_number} already exists."
        if errors:
            raise ValidationError(errors)


class EventQuerySet(PageQuerySet):
    def upcoming(self):
        return self.filter(
            models.Q(end__gte=timezone.now())
            | models.Q(end__isnull=True, start__gte=timezone.now())
        ).order_by("start")

    def past(self):
        return self.filter(
            models.Q(end__lt=timezone.now()) | models.Q(end__isnull=True, start__lt=timezone.now())
        ).order_by("-start")

    def date_to_be_confirmed(self):
        return self.filter(start__isnull=True)


class EventPage(RoutablePageMixin, NewsItemPage):
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []

    start = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it begins, in UK time. Leave empty while the date is not fixed: "
        'the page then says "date to be confirmed".',
    )
    end = models.DateTimeField(null=True, blank=True, help_text="When it ends, in UK time.")
    location = models.CharField(
        max_length=255,
        blank=True,
        help_text="The venue and its address, if it takes place somewhere.",
    )
    online_url = models.URLField(
        "online link", blank=True, help_text="Where to join it online, if it is held online."
    )
    registration_url = models.URLField(
        "registration link", blank=True, help_text="Where readers book a place, if they need to."
    )

    objects = PageManager.from_queryset(EventQuerySet)()

    content_panels = [
        *Page.content_panels,
        MultiFieldPanel(
            [
                FieldRowPanel([FieldPanel("start"), FieldPanel("end")]),
                FieldPanel("location"),
                FieldPanel("online_url"),
                FieldPanel("registration_url"),
            ],
            heading="When and where",
        ),
        FieldPanel("date", help_text="The date this announcement is listed under in the news."),
        *ListingFields.listing_panels,
        FieldPanel("body"),
        FieldPanel("topics"),
    ]
    search_fields = [*NewsItemPage.search_fields, index.SearchField("location")]

    class Meta:
        verbose_name = "event"

    kind_label = "Event"

    def structured_data(self, request, organisation, image_url):
        """schema.org Event, only once the date is fixed: an event without one is not claimed."""
        if self.start is None:
            return None
        data = {
            "@context": "https://schema.org",
            "@type": "Event",
            "name": self.title,
            "description": self.summary,
            "startDate": timezone.localtime(self.start).isoformat(),
            "eventStatus": "https://schema.org/EventScheduled",
            "url": self.get_full_url(request),
            "organizer": {"@type": "Organization", "name": organisation.organisation_name},
        }
        if self.end:
            data["endDate"] = timezone.localtime(self.end).isoformat()
        places = []
        if self.location:
            places.append({"@type": "Place", "name": self.location, "address": self.location})
        if self.online_url:
            places.append({"@type": "VirtualLocation", "url": self.online_url})
        if places:
            data["location"] = places[0] if len(places) == 1 else places
            data["eventAttendanceMode"] = "https://schema.org/" + (
                "MixedEventAttendanceMode"
                if len(places) == 2
                else "OnlineEventAttendanceMode"
                if self.online_url
                else "OfflineEventAttendanceMode"
            )
        if image_url:
            data["image"] = [image_url]
        return data

    @path("")
    def event(self, request):
        return self.render(request)

    @path("calendar/", name="ics")
    def ics(self, request):
        if self.start is None:
            raise Http404("This event's date is not fixed yet.")
        return calendar_response(request, [self], filename=f"{self.slug}.ics")

    def clean(self):
        super().clean()
        if self.end and not self.start:
            raise ValidationError({"start": "Give a start time for an event that has an end time."})
        if self.start and self.end and self.end < self.start:
            raise ValidationError({"end": "The end must come after the start."})
