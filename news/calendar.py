"""Events as iCalendar (RFC 5545): one event to download, or all of them to subscribe to."""

from icalendar import Calendar, Event

from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

CALENDAR_NAME = _("Peru Support Group events")


def calendar_response(request, events, filename=None):
    """An .ics of the events that have a start time; those without one cannot be put in a
    calendar, and are left out rather than given an invented date."""
    calendar = Calendar()
    calendar.add("prodid", "-//Peru Support Group//Website//EN")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", str(CALENDAR_NAME))
    calendar.add("x-wr-timezone", timezone.get_current_timezone_name())
    for event in events:
        if event.start is not None:
            calendar.add_component(_vevent(request, event))
    calendar.add_missing_timezones()
    response = HttpResponse(calendar.to_ical(), content_type="text/calendar; charset=utf-8")
    if filename:
        response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _vevent(request, event):
    vevent = Event()
    vevent.add("uid", f"event-{event.pk}@{request.get_host().split(':')[0]}")
    vevent.add("dtstamp", event.last_published_at or timezone.now())
    vevent.add("dtstart", timezone.localtime(event.start))
    if event.end:
        vevent.add("dtend", timezone.localtime(event.end))
    vevent.add("summary", event.title)
    if event.summary:
        vevent.add("description", event.summary)
    location = event.location or event.online_url
    if location:
        vevent.add("location", location)
    vevent.add("url", event.get_full_url(request))
    return vevent
