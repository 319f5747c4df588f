"""Upcoming and past events, the date-to-be-confirmed group, and calendars read back with
icalendar."""

import datetime
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup
from icalendar import Calendar

from django.utils import timezone

from news.models import EventPage
from tests.conftest import load_site_content
from tests.factories import AboutPageFactory, EventPageFactory
from tests.query_counts import queries_for

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


@pytest.mark.django_db
class TestEventsInTime:
    def test_an_event_without_a_date_is_upcoming_for_six_months_then_past(self, client, events):
        upcoming = client.get("/news/events/").content.decode()
        past = client.get("/news/events/past/").content.decode()
        assert "Annual conference" in upcoming and "Annual conference" not in past
        assert "Conference of 2012" in past and "Conference of 2012" not in upcoming
        item = past[past.index("Conference of 2012") :]
        assert item.index("Announced") < item.index("</article>")
        assert "Date never confirmed" in past
        # Among the past events by the date it was announced: after those of later years.
        assert past.index("An old meeting") < past.index("Conference of 2012")

    def test_upcoming_and_past_divide_the_events_between_them(self, events):
        upcoming = set(EventPage.objects.upcoming())
        past = set(EventPage.objects.past())
        assert not upcoming & past
        assert upcoming | past == set(EventPage.objects.all())

    def test_the_next_to_pass_is_an_unconfirmed_event_at_midnight_uk_time(self, news_index):
        today = timezone.localdate()
        EventPageFactory(
            parent=news_index,
            start=timezone.now() + datetime.timedelta(days=30),
        )
        EventPageFactory(parent=news_index, start=None, date=today - datetime.timedelta(days=180))
        expected = datetime.datetime.combine(
            today + datetime.timedelta(days=3), datetime.time(), tzinfo=LONDON
        )
        assert EventPage.objects.next_to_pass() == expected

    def test_the_next_to_pass_ignores_events_already_past(self, news_index):
        EventPageFactory(parent=news_index, start=None, date=datetime.date(2012, 11, 1))
        EventPageFactory(parent=news_index, start=timezone.now() - datetime.timedelta(days=1))
        assert EventPage.objects.next_to_pass() is None


@pytest.mark.django_db
class TestTheCalendarOffer:
    def test_without_dated_events_no_calendar_is_offered_but_it_still_answers(
        self, client, news_index
    ):
        EventPageFactory(parent=news_index, title="Undated", start=None)
        for url in ("/news/events/", "/news/events/past/", "/news/kind/events/"):
            html = client.get(url).content.decode()
            assert "text/calendar" not in html, url
            assert "calendar/" not in html.split("<main")[1], url
        calendar = parse(client.get("/news/events/calendar/"))
        assert calendar.walk("VEVENT") == []
        assert str(calendar["x-wr-calname"]) == "Peru Support Group events"

    def test_with_a_dated_event_the_listings_offer_it(self, client, events):
        for url in ("/news/events/", "/news/events/past/", "/news/kind/events/"):
            html = client.get(url).content.decode()
            assert 'href="/news/events/calendar/" type="text/calendar"' in html, url
        past_only = client.get("/news/events/past/").content.decode()
        assert 'type="text/calendar" title="Peru Support Group events"' in past_only


@pytest.mark.django_db
def test_the_seed_conference_of_2012_is_a_past_event_with_one_date(client):
    load_site_content()
    upcoming = client.get("/news/events/").content.decode()
    assert "Peru and the Persistence of Inequality" not in upcoming
    past = client.get("/news/events/past/").content.decode()
    assert "Peru and the Persistence of Inequality" in past
    news = BeautifulSoup(client.get("/news/").content, "html.parser")
    link = news.find("a", string="Peru and the Persistence of Inequality")
    item = link.find_parent("article")
    meta = " ".join(item.find(class_="news-item__meta").get_text().split())
    assert meta == "Event Date never confirmed"
    announced = " ".join(item.find(class_="news-item__announced").get_text().split())
    assert announced == "Announced 1 November 2012"
    assert len(item.find_all("time")) == 1


def menu_links(html):
    """(text, aria-current) of each link of the main menu, in order."""
    menu = BeautifulSoup(html, "html.parser").find("nav", attrs={"aria-label": "Main"})
    return [(a.get_text(), a.get("aria-current")) for a in menu.find_all("a")]


def breadcrumb(html):
    trail = BeautifulSoup(html, "html.parser").find("nav", attrs={"aria-label": "Breadcrumb"})
    return [(item.get_text(strip=True), item.a["href"] if item.a else None) for item in trail("li")]


@pytest.mark.django_db
class TestEventsInTheMenu:
    @pytest.fixture
    def site(self, home, news_index, events):
        news_index.show_in_menus = True
        news_index.save_revision().publish()
        AboutPageFactory(parent=home, title="About us", show_in_menus=True)
        return events

    def test_events_follows_news_in_the_menu_and_is_current_on_its_listings(self, client, site):
        for url in ("/news/events/", "/news/events/past/"):
            assert menu_links(client.get(url).content.decode()) == [
                ("Home", None),
                ("News", None),
                ("Events", "page" if url == "/news/events/" else "true"),
                ("About us", None),
            ], url

    def test_news_is_current_on_the_news_and_events_on_an_event(self, client, site):
        news = dict(menu_links(client.get("/news/").content.decode()))
        assert news["News"] == "page" and news["Events"] is None
        topic = dict(menu_links(client.get("/news/kind/briefings/").content.decode()))
        assert topic["News"] == "page" and topic["Events"] is None
        event = dict(menu_links(client.get(site["soon"].url).content.decode()))
        assert event["Events"] == "true" and event["News"] is None

    def test_the_menu_costs_no_query_for_events(self, client, site, news_index):
        shown = queries_for(client, "/about-us/")
        assert "Events" in dict(menu_links(client.get("/about-us/").content.decode()))
        news_index.show_in_menus = False
        news_index.save_revision().publish()
        assert "Events" not in dict(menu_links(client.get("/about-us/").content.decode()))
        assert queries_for(client, "/about-us/") == shown

    def test_breadcrumbs_lead_through_news_to_events(self, client, site):
        news = ("News", "/news/")
        assert breadcrumb(client.get("/news/events/").content.decode()) == [
            ("Home", "/"),
            news,
            ("Events", None),
        ]
        assert breadcrumb(client.get("/news/events/past/").content.decode()) == [
            ("Home", "/"),
            news,
            ("Events", "/news/events/"),
            ("Past events", None),
        ]
        assert breadcrumb(client.get(site["soon"].url).content.decode()) == [
            ("Home", "/"),
            news,
            ("Events", "/news/events/"),
            ("Talk on mining", None),
        ]
        assert breadcrumb(client.get("/news/kind/briefings/").content.decode()) == [
            ("Home", "/"),
            news,
            ("Briefings", None),
        ]
