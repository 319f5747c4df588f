"""The compact subscribe form on the site's pages: in every footer, on the news listings and on
each article, with the choices that fit where it is, and no CSRF token, so that the pages are
still served from the page cache."""

import re

import pytest

from django.test import Client

from alerts import links
from alerts.models import Subscription
from psgsite.page_cache import page_cache
from tests.factories import (
    AboutPageFactory,
    BriefingPageFactory,
    EventPageFactory,
    JoinPageFactory,
    NewsPageFactory,
)

pytestmark = pytest.mark.django_db


def signup_form(page, place):
    """The compact form of that place on the page, or None."""
    found = re.search(
        rf'<section class="alert-signup alert-signup--{place}.*?</section>', page, re.S
    )
    return found.group(0) if found else None


def choices(form):
    """The labels of its choices, each with whether it comes ticked."""
    return [
        (label, "checked" in attributes)
        for attributes, label in re.findall(
            r'<input type="checkbox"([^>]*)>\s*<label for="[^"]+">([^<]+)</label>', form
        )
    ]


def html(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


@pytest.fixture
def items(news_site):
    index = news_site["index"]
    briefing = BriefingPageFactory(parent=index, title="Briefing 1", slug="briefing-1")
    briefing.topics.add("Water")
    briefing.save_revision().publish()
    event = EventPageFactory(parent=index, title="A talk", slug="a-talk")
    event.topics.add("Mining")
    event.save_revision().publish()
    plain = NewsPageFactory(parent=index, title="No topics", slug="no-topics")
    return {"story": news_site["story"], "briefing": briefing, "event": event, "plain": plain}


def test_every_page_has_one_in_its_footer(client, items):
    about = AboutPageFactory(parent=items["story"].get_parent().get_parent(), slug="about-us")
    for url in ("/", about.url, "/search/?q=mine", "/no-such-page/"):
        response = client.get(url)
        form = signup_form(response.content.decode(), "footer")
        assert form is not None, url
        assert choices(form) == [
            ("All news and briefings", True),
            ("Briefings", False),
            ("Events", False),
        ]
        assert 'action="/alerts/" method="post"' in form
        assert "csrfmiddlewaretoken" not in form
        assert 'name="started"' in form and 'name="website"' in form


def test_pages_with_a_form_for_an_address_of_their_own_have_none(client, items):
    """The alerts' own pages and the join page; the news listings and items have a form of
    their own instead, fitted to them: one form on a page."""
    join = JoinPageFactory(parent=items["story"].get_parent().get_parent(), slug="join")
    assert signup_form(html(client, "/"), "footer") is not None
    for url in ("/alerts/", "/alerts/check-email/", "/alerts/confirm/x/", join.url):
        assert signup_form(client.get(url).content.decode(), "footer") is None, url
    for url in ("/news/", "/news/events/", items["story"].url, items["event"].url):
        page = html(client, url)
        assert signup_form(page, "footer") is None, url
        assert page.count('class="alert-signup ') == 1, url


def test_a_listing_offers_it_after_its_filters(client, items):
    page = html(client, "/news/")
    assert page.rindex('class="filter-list"') < page.index("alert-signup--listing")


ALL = "All news and briefings"


@pytest.mark.parametrize(
    ("url", "heading", "offered"),
    [
        ("/news/", "Get our news by email", [ALL, "Briefings", "Events"]),
        ("/news/2024/", "Get our news by email", [ALL, "Briefings", "Events"]),
        ("/news/topic/mining/", "Get news on Mining by email", ["Mining", ALL]),
        ("/news/kind/briefings/", "Get briefings by email", ["Briefings", ALL]),
        ("/news/kind/events/", "Get events by email", ["Events"]),
        ("/news/kind/news/", "Get all news and briefings by email", [ALL]),
        ("/news/events/", "Get events by email", ["Events"]),
        ("/news/events/past/", "Get events by email", ["Events"]),
    ],
)
def test_each_listing_offers_what_it_lists(client, items, url, heading, offered):
    NewsPageFactory(parent=items["story"].get_parent(), date="2024-05-01", slug="in-2024")
    form = signup_form(html(client, url), "listing")
    assert f">{heading}</h2>" in form
    assert choices(form) == [(label, n == 0) for n, label in enumerate(offered)]


@pytest.mark.parametrize(
    ("item", "offered"),
    [
        ("story", ["Mining", "Water", "All news and briefings"]),
        ("briefing", ["Water", "Briefings", "All news and briefings"]),
        ("event", ["Events", "Mining"]),
        ("plain", ["All news and briefings"]),
    ],
)
def test_each_article_offers_its_topics_and_its_kind(client, items, item, offered):
    page = html(client, items[item].url)
    form = signup_form(page, "article")
    assert choices(form) == [(label, n == 0) for n, label in enumerate(offered)]
    # Beside the join prompt, and as well as the footer's, with ids of its own.
    assert page.index("</article>") < page.index("alert-signup--article")
    ids = re.findall(r' id="([^"]+)"', page)
    assert len(ids) == len(set(ids))


def test_the_compact_form_subscribes(client, items, settings):
    settings.MEMBERSHIP_FORM_MIN_SECONDS = 0
    form = signup_form(html(client, items["story"].url), "article")
    started = re.search(r'name="started" value="([^"]+)"', form).group(1)
    mining = re.search(r'name="topics" value="(\d+)"[^>]*checked', form).group(1)
    data = {"email": "ana@example.org", "topics": mining, "started": started, "website": ""}
    assert client.post("/alerts/", data)["Location"] == "/alerts/check-email/"
    subscription = Subscription.objects.get()
    assert [topic.name for topic in subscription.topics.all()] == ["Mining"]
    assert subscription.frequency == "immediate" and not subscription.news


def test_a_compact_form_with_a_mistake_comes_back_whole_with_its_values(client, items, settings):
    settings.MEMBERSHIP_FORM_MIN_SECONDS = 0
    form = signup_form(html(client, "/news/topic/mining/"), "listing")
    started = re.search(r'name="started" value="([^"]+)"', form).group(1)
    mining = re.search(r'name="topics" value="(\d+)"', form).group(1)
    data = {"email": "ana@", "topics": mining, "started": started, "website": ""}
    response = client.post("/alerts/", data)
    page = response.content.decode()
    assert response.status_code == 200 and "<h1>Email alerts</h1>" in page
    assert "Enter an email address like name@example.org." in page
    assert 'value="ana@"' in page
    assert re.search(rf'value="{mining}" id="id_topics_\d" checked', page)
    assert not Subscription.objects.exists()


@pytest.fixture
def cache_on(settings, transactional_db):
    settings.PAGE_CACHE_SECONDS = 3600
    page_cache().clear()
    yield
    page_cache().clear()


def test_pages_with_the_form_are_still_served_from_the_page_cache(cache_on, items):
    reader = Client()
    for url in ("/", "/news/", "/news/topic/mining/", items["story"].url, "/alerts/"):
        first = reader.get(url)
        assert first["X-Cache"] == "miss", url
        second = reader.get(url)
        assert second["X-Cache"] == "hit", url
        assert "alert-signup" in second.content.decode() or url == "/alerts/"
        assert 'action="/alerts/"' in second.content.decode()


def test_the_subscribe_page_is_cached_only_under_the_values_it_links_to(cache_on, news_site):
    reader = Client()
    assert reader.get("/alerts/?topic=mining")["X-Cache"] == "miss"
    assert reader.get("/alerts/?topic=mining")["X-Cache"] == "hit"
    assert reader.get("/alerts/?follow=events")["X-Cache"] == "miss"
    for odd in ("?topic=nope", "?topic=Mining", "?follow=all", "?topic=mining&topic=water"):
        response = reader.get("/alerts/" + odd)
        assert response.status_code == 200 and "X-Cache" not in response, odd


def test_the_pages_of_signed_links_are_never_cached(cache_on, news_site):
    subscription = Subscription.objects.create(email="ana@example.org", news=True)
    reader = Client()
    for url in (links.confirm_url(subscription), links.manage_url(subscription)):
        url = url.removeprefix("http://localhost")
        reader.get(url)
        assert "X-Cache" not in reader.get(url), url
