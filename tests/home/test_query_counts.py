"""Uncached, the site's pages outside the news index cost as many queries with fifty news items
as with five: the home page with the latest news, about and join pages, search, the sitemap."""

import pytest

from django.test import override_settings
from django.utils.text import slugify

from wagtail.models import Page

from home.models import HomePage
from tests.conftest import in_spanish
from tests.factories import (
    AboutPageFactory,
    ImageFactory,
    JoinPageFactory,
    MembershipTypeFactory,
)
from tests.query_counts import add_news, counts_for, queries_for, rendered_queries_for

URLS = [
    "/",
    "/about-us/",
    "/about-us/our-aims/",
    "/join/",
    # Each kind of item, so that a page of results holds one type of page, five or fifty items.
    "/search/?q=briefing",
    "/search/?q=event",
    "/sitemap.xml",
    "/sitemap-pages.xml",
    "/robots.txt",
]


def image_block(title):
    return {
        "type": "image",
        "value": {
            "image": ImageFactory(title=title).pk,
            "alt_text": "",
            "caption": "",
            "credit": "",
        },
    }


@pytest.fixture
def pages(home):
    """About us with sections, and the join page, each with images, teased on the home page."""
    about = AboutPageFactory(
        parent=home,
        title="About us",
        slug="about-us",
        show_in_menus=True,
        listing_image=ImageFactory(),
        body=[image_block("Lima")],
    )
    for title in ("Our aims", "Our history", "Our trustees"):
        AboutPageFactory(
            parent=about,
            title=title,
            slug=title.lower().replace(" ", "-"),
            listing_image=ImageFactory(),
            body=[image_block(title)],
        )
    join = JoinPageFactory(parent=home, show_in_menus=True, listing_image=ImageFactory())
    MembershipTypeFactory(name="Individual")
    MembershipTypeFactory(name="Organisation")
    home.teasers.create(page=about, sort_order=0)
    home.teasers.create(page=join, sort_order=1)
    home.body = [image_block("Cusco")]
    home.save_revision().publish()


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_news(client, pages, news_index):
    add_news(news_index, 5)
    with_five = counts_for(client, URLS)
    add_news(news_index, 45)
    assert counts_for(client, URLS) == with_five


@pytest.mark.django_db
def test_a_pinned_lead_story_costs_no_more_with_more_news(client, pages, news_index):
    """The lead story, latest news, briefings, upcoming events and the join page."""
    # Two of each kind of item: the older news item pinned, the newer in the latest news.
    first_news_item = add_news(news_index, 12)[0]
    home = HomePage.objects.get()
    home.lead_story = first_news_item
    home.save_revision().publish()
    html = client.get("/").content.decode()
    for heading in ("Latest news", "Latest briefings", "Upcoming events", "Get involved"):
        assert f">{heading}</h2>" in html
    assert "Events calendar" in html
    with_twelve = queries_for(client, "/")
    add_news(news_index, 45)
    assert queries_for(client, "/") == with_twelve


@pytest.mark.django_db
@override_settings(SEARCH_RANKED_MATCHES=2)
def test_search_costs_as_much_where_more_match_than_are_ranked(client, pages, news_index):
    urls = ["/search/?q=event", "/search/?q=event&page=2"]
    add_news(news_index, 5)
    assert "More than 2 results" in client.get(urls[0]).content.decode()
    with_five = counts_for(client, urls)
    add_news(news_index, 45)
    assert counts_for(client, urls) == with_five


@pytest.mark.django_db
def test_the_spanish_pages_cost_no_more_than_the_english_ones(client, pages, news_index):
    """The Spanish home page features the Spanish translations of the English home page's
    teasers, and says where the news is, in English, within the English home page's queries."""
    add_news(news_index, 5)
    in_spanish(HomePage.objects.get(), title="Inicio", slug="inicio")
    for slug, title in [("about-us", "Sobre nosotros"), ("our-aims", "Objetivos")]:
        in_spanish(Page.objects.get(slug=slug), title=title, slug=slugify(title))
    in_spanish(Page.objects.get(slug="join"), title="Hágase miembro", slug="hagase-miembro")
    html = client.get("/es/").content.decode()
    assert 'href="/es/sobre-nosotros/"' in html
    assert 'href="/news/" hreflang="en"' in html
    english = counts_for(client, ["/", "/about-us/", "/about-us/our-aims/", "/join/"])
    spanish_urls = ["/es/", "/es/sobre-nosotros/", "/es/sobre-nosotros/objetivos/"]
    spanish = counts_for(client, [*spanish_urls, "/es/hagase-miembro/"])
    pairs = zip(spanish.values(), english.values(), strict=True)
    assert [min(es, en) for es, en in pairs] == list(spanish.values())
    add_news(news_index, 45)
    assert counts_for(client, spanish) == spanish


@pytest.mark.django_db
def test_the_spanish_home_page_and_search_cost_what_the_english_do(client, pages, news_index):
    """With the English pages and news in Spanish, the home page's pinned story (its English
    original, as the translation was made) among them."""
    items = add_news(news_index, 12)
    home = HomePage.objects.get()
    home.lead_story = items[0]
    home.save_revision().publish()
    spanish_home = in_spanish(home, title="Inicio")
    for page in home.get_descendants().specific().order_by("path"):
        in_spanish(page, slug=f"{page.slug}-es")
    assert spanish_home.lead_story_id == items[0].pk
    lead = '<h2 class="lead-story__title"><a href="/es/news-es/news-0-es/">'
    assert lead in client.get("/es/").content.decode()
    english = counts_for(client, ["/", "/search/?q=briefing", "/search/?q=event"])
    spanish = counts_for(client, ["/es/", "/es/search/?q=briefing", "/es/search/?q=event"])
    assert list(spanish.values()) == list(english.values())


def test_a_second_language_costs_no_query(client, pages, news_index):
    """Rendered afresh, the home page, about us and the join page, translated, with the link to
    each in the other language, cost what they did in English alone, in either language; so
    does the sitemap, which lists both languages."""
    add_news(news_index, 12)
    urls = ("/", "/about-us/", "/join/", "/sitemap.xml", "/sitemap-pages.xml")
    english_only = {url: rendered_queries_for(client, url) for url in urls}
    in_spanish(HomePage.objects.get(), title="Inicio")
    for page in Page.objects.filter(slug__in=["about-us", "join"]):
        in_spanish(page, slug=f"{page.slug}-es")
    assert "Español" in client.get("/about-us/").text
    spanish = {"/es/": "/", "/es/about-us-es/": "/about-us/", "/es/join-es/": "/join/"}
    assert "English" in client.get("/es/").text
    budgets = {**english_only, **{url: english_only[like] for url, like in spanish.items()}}
    counts = {url: rendered_queries_for(client, url) for url in budgets}
    assert {url: min(count, budgets[url]) for url, count in counts.items()} == counts
