"""Upcoming and past events, the date-to-be-confirmed group, and calendars read back with
icalendar."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from django.utils import timezone

from tests.factories import EventPageFactory

LONDON = ZoneInfo("Europe/London")


@pytest.fixture
def events(news_index):
    now = timezone.now()
    return {
        "soon": EventPageFactory(
            parent=news_index,
            title="Talk on mining",
            start=datetime.datetime(2027, 7, 1, 18, 30, tzinfo=LONDON),
            end=datetime.datetime(2027, 7, 1, 20, 0, tzinfo=LONDON),
            location="Amnesty International, 25 New Inn Yard, London",
            summary="A talk.",
        ),
        "later": EventPageFactory(
            parent=news_index,
            title="Winter conference",
            start=datetime.datetime(2027, 12, 4, 10, 0, tzinfo=LONDON),
            online_url="https://example.org/join",
        ),
        "past": EventPageFactory(
            parent=news_index, title="Last year's meeting", start=now - datetime.timedelta(days=300)
        ),
        "older": EventPageFactory(
            parent=news_index, title="An old meeting", start=now - datetime.timedelta(days=900)
        ),
        "tbc": EventPageFactory(
            parent=news_index,
            title="Annual conference",
            start=None,
            date=timezone.localdate() - datetime.timedelta(days=30),
        ),
        "never": EventPageFactory(
            parent=news_index,
            title="Conference of 2012",
            start=None,
            date=datetime.date(2012, 11, 1),
        ),
    }


def parse(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


@pytest.mark.django_db
class TestEventListings:
    def test_upcoming_soonest_first_then_the_unconfirmed(self, client, events):
        html = client.get("/news/events/").content.decode()
        assert "<h1>Upcoming events</h1>" in html
        assert html.index("Talk on mining") < html.index("Winter conference")
        assert "Last year&#x27;s meeting" not in html
        confirmed, unconfirmed = html.split('id="unconfirmed-heading"')
        assert "Annual conference" in unconfirmed and "Annual conference" not in confirmed
        assert "Thursday 1 July 2027, 18:30</time> to <time" in html

    def test_past_latest_first(self, client, events):
        html = client.get("/news/events/past/").content.decode()
        assert "<h1>Past events</h1>" in html
        assert html.index("Last year&#x27;s meeting") < html.index("An old meeting")
        assert "Talk on mining" not in html and "Annual conference" not in html
        assert client.get("/news/events/past/", {"page": "abc"}).status_code == 200


@pytest.mark.django_db
class TestCalendars:
    def test_an_event_downloads_as_ics_with_its_time_zone(self, client, events):
        event = events["soon"]
        response = client.get(f"{event.url}calendar/")
        assert response["Content-Disposition"] == f'attachment; filename="{event.slug}.ics"'
        calendar = parse(response)
        (vevent,) = calendar.walk("VEVENT")
        start, end = vevent.decoded("dtstart"), vevent.decoded("dtend")
        assert start == datetime.datetime(2027, 7, 1, 18, 30, tzinfo=LONDON)
        assert start.utcoffset() == datetime.timedelta(hours=1)  # British Summer Time
        assert str(vevent["dtstart"].params["TZID"]) == "Europe/London"
        assert end == datetime.datetime(2027, 7, 1, 20, 0, tzinfo=LONDON)
        assert str(vevent["summary"]) == "Talk on mining"
        assert str(vevent["location"]) == "Amnesty International, 25 New Inn Yard, London"
        assert str(vevent["url"]) == event.full_url
        assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/London"]
        assert f'href="{event.url}calendar/"' in client.get(event.url).content.decode()

    def test_an_event_without_a_date_has_no_calendar_entry(self, client, events):
        event = events["tbc"]
        assert client.get(f"{event.url}calendar/").status_code == 404
        assert "calendar/" not in client.get(event.url).content.decode().split("<main")[1]

    def test_the_calendar_feed_holds_every_dated_event(self, client, events):
        calendar = parse(client.get("/news/events/calendar/"))
        summaries = sorted(str(vevent["summary"]) for vevent in calendar.walk("VEVENT"))
        assert summaries == [
            "An old meeting",
            "Last year's meeting",
            "Talk on mining",
            "Winter conference",
        ]
        online = next(v for v in calendar.walk("VEVENT") if v["summary"] == "Winter conference")
        assert str(online["location"]) == "https://example.org/join"
        assert online.decoded("dtstart").utcoffset() == datetime.timedelta(0)  # GMT in December
        assert len({str(v["uid"]) for v in calendar.walk("VEVENT")}) == 4
        html = client.get("/news/events/").content.decode()
        assert 'type="text/calendar" title="Peru Support Group events"' in html
