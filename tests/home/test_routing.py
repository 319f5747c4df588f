"""Addresses below the home page: each page is found with the pages above it in one query
(HomePage.route), and answers as Wagtail's own routing would."""

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.factories import AboutPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db


def test_a_page_deep_in_the_tree_is_found_with_its_trail(client, home):
    about = AboutPageFactory(parent=home, title="About us", slug="about-us")
    aims = AboutPageFactory(parent=about, title="Our aims", slug="our-aims")
    history = AboutPageFactory(parent=aims, title="Since 1987", slug="since-1987")
    response = client.get("/about-us/our-aims/since-1987/")
    assert response.status_code == 200
    assert response.context["page"] == history
    crumbs = [page.title for page in response.context["page"].route_ancestors]
    assert crumbs == [home.title, "About us", "Our aims"]
    html = response.content.decode()
    assert html.index('href="/about-us/"') < html.index('href="/about-us/our-aims/"')


def test_a_live_page_below_an_unpublished_one_is_served_as_wagtail_serves_it(client, home):
    section = AboutPageFactory(parent=home, slug="section")
    AboutPageFactory(parent=section, title="Still here", slug="still-here")
    section.unpublish()
    assert client.get("/section/").status_code == 404
    assert client.get("/section/still-here/").status_code == 200


@pytest.mark.parametrize(
    "path", ["/nowhere/", "/about-us/nowhere/", "/about-us/our-aims/nowhere/", "/news/item/extra/"]
)
def test_an_address_with_no_page_is_a_404(client, home, news_index, path):
    about = AboutPageFactory(parent=home, slug="about-us")
    AboutPageFactory(parent=about, slug="our-aims")
    NewsPageFactory(parent=news_index, slug="item")
    assert client.get(path).status_code == 404


def test_a_listing_at_the_address_of_a_page_below_it_answers_first(client, news_index):
    """The news index's own routes (events, years...) come before its children's slugs."""
    NewsPageFactory(parent=news_index, title="A story called events", slug="events")
    response = client.get("/news/events/")
    assert response.status_code == 200
    assert "<h1>Upcoming events</h1>" in response.content.decode()


def test_the_view_restrictions_are_read_once_a_request(client, home, news_index):
    about = AboutPageFactory(parent=home, slug="about-us", show_in_menus=True)
    story = NewsPageFactory(parent=news_index)
    for url in ("/", "/news/", story.url, about.url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        reads = [q for q in queries if "wagtailcore_pageviewrestriction" in q["sql"]]
        assert len(reads) == 1, url
