"""Events: when and where, which readers list, download and subscribe to."""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.functions import Cast, Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page, PageManager
from wagtail.search import index

from home.models import ListingFields, ListingQuerySet

from ..calendar import calendar_response
from .items import NewsItemPage

# An event announced without a fixed start is "date to be confirmed" for this long after the
# date it was announced (its listing date); after that it is listed among the past events as
# "date never confirmed", so that an old announcement is never offered as coming up.
UNCONFIRMED_FOR = datetime.timedelta(days=183)  # six months


class EventQuerySet(ListingQuerySet):
    """Events in time. Upcoming: those with a start that have not ended (or, without an end,
    not started), then those whose date is to be confirmed, announced within UNCONFIRMED_FOR.
    Past: all the others. Each event is in exactly one of the two."""

    @staticmethod
    def _unconfirmed_since(now=None):
        """The listing date after which an event without a start is still to be confirmed."""
        return timezone.localdate(now or timezone.now()) - UNCONFIRMED_FOR

    @classmethod
    def _upcoming(cls, now):
        return (
            models.Q(end__gte=now)
            | models.Q(end__isnull=True, start__gte=now)
            | models.Q(start__isnull=True, date__gt=cls._unconfirmed_since(now))
        )

    def upcoming(self):
        """What readers should see as coming up: the dated ones soonest first, then those whose
        date is to be confirmed, the most recently announced first."""
        now = timezone.now()
        return self.filter(self._upcoming(now)).order_by(
            models.F("start").asc(nulls_last=True), "-date", "pk"
        )

    def past(self):
        """The latest first, an event whose date was never confirmed by the date it was
        announced."""
        now = timezone.now()
        when = Coalesce("start", Cast("date", models.DateTimeField()))
        return self.exclude(self._upcoming(now)).order_by(when.desc(), "-pk")

    def dated(self):
        return self.filter(start__isnull=False)

    def date_to_be_confirmed(self):
        """Upcoming events without a start, the most recently announced first."""
        return self.filter(start__isnull=True, date__gt=self._unconfirmed_since()).order_by(
            "-date", "-pk"
        )

    def date_never_confirmed(self):
        return self.filter(start__isnull=True, date__lte=self._unconfirmed_since())

    def next_to_pass(self):
        """The moment the next upcoming event becomes a past one (None if none is upcoming):
        the events listings change then by the clock alone. An event without a start passes
        at midnight (UK time) UNCONFIRMED_FOR after the date it was announced."""
        now = timezone.now()
        moments = self.aggregate(
            ends=models.Min("end", filter=models.Q(end__gte=now)),
            starts=models.Min("start", filter=models.Q(end__isnull=True, start__gte=now)),
            announced=models.Min(
                "date",
                filter=models.Q(start__isnull=True, date__gt=self._unconfirmed_since(now)),
            ),
        )
        announced = moments.pop("announced")
        if announced is not None:
            moments["unconfirmed"] = timezone.make_aware(
                datetime.datetime.combine(announced + UNCONFIRMED_FOR, datetime.time())
            )
        return min((m for m in moments.values() if m is not None), default=None)


class EventPage(RoutablePageMixin, NewsItemPage):
    parent_page_types = ["news.NewsIndexPage"]
    subpage_types = []

    start = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When it begins, in UK time: the date readers see for the event. Leave "
        'empty while the date is not fixed: the page then says "date to be confirmed" (for '
        "six months from the date it was announced, after which it is listed as past).",
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
        FieldPanel(
            "date",
            heading="Announced on",
            help_text="When this event was announced. The news listing, newest first, places "
            'the event by this date and shows it as "Announced …"; readers see the event\'s '
            "own date (Start) as its date everywhere. An event without a start stays under "
            'Upcoming events as "date to be confirmed" for six months from this date, then '
            "moves to Past events.",
        ),
        *ListingFields.listing_panels,
        FieldPanel("body"),
        FieldPanel("topics"),
    ]
    search_fields = [*NewsItemPage.search_fields, index.SearchField("location")]

    class Meta:
        verbose_name = gettext_lazy("event")

    is_event = True

    @property
    def kind_label(self):
        return _("Event")

    # The main menu marks Events, not News, on an event's page.
    menu_section = "events"

    def breadcrumbs_after_parent(self, parent_url):
        """Home > News > Events > the event, as the menu has Events beside News."""
        from .index import NewsIndexPage  # the index imports this module

        events = NewsIndexPage.get_resolver().reverse("upcoming_events")
        return [{"title": _("Events"), "url": parent_url + events}]

    @property
    def date_never_confirmed(self):
        """No start, and announced too long ago to be still to be confirmed: a past event."""
        return self.start is None and self.date <= EventQuerySet._unconfirmed_since()

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
