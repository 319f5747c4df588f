"""Events: when and where, which readers list, download and subscribe to."""

from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404
from django.utils import timezone

from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel
from wagtail.contrib.routable_page.models import RoutablePageMixin, path
from wagtail.models import Page, PageManager
from wagtail.search import index

from home.models import ListingFields, ListingQuerySet

from ..calendar import calendar_response
from .items import NewsItemPage


class EventQuerySet(ListingQuerySet):
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

    def next_to_pass(self):
        """The moment the next upcoming event becomes a past one (None if none is upcoming):
        the events listings change then by the clock alone."""
        now = timezone.now()
        moments = self.aggregate(
            ends=models.Min("end", filter=models.Q(end__gte=now)),
            starts=models.Min("start", filter=models.Q(end__isnull=True, start__gte=now)),
        )
        return min((m for m in moments.values() if m is not None), default=None)


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
