"""Uncached, the site's pages outside the news index cost as many queries with twenty news items
as with five (two pages of the news, two years of the archive): the home page with the
latest news, about and join pages, search, the sitemap."""

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
    # Each kind of item, so that a page of results holds one type of page, five or twenty items.
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
    add_news(news_index, 15)
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
    add_news(news_index, 15)
    assert queries_for(client, "/") == with_twelve


@pytest.mark.django_db
@override_settings(SEARCH_RANKED_MATCHES=2)
def test_search_costs_as_much_where_more_match_than_are_ranked(client, pages, news_index):
    urls = ["/search/?q=event", "/search/?q=event&page=2"]
    add_news(news_index, 5)
    assert "More than 2 results" in client.get(urls[0]).content.decode()
    with_five = counts_for(client, urls)
    add_news(news_index, 15)
    assert counts_for(client, urls) == with_five


def at_most(counts, budgets):
    """The counts, each capped at its budget: equal to the counts where none is over."""
    return {url: min(count, budgets[url]) for url, count in counts.items()}


@pytest.mark.django_db
def test_the_spanish_pages_cost_what_the_english_do(client, pages, news_index):
    """The Spanish home page, about us, a section of it and the join page, with the link to each
    in the other language, cost what the English pages do, and the English pages what they did
    in English alone, rendered afresh or uncached; so does the sitemap, which lists both
    languages. Before the news is in Spanish, the Spanish home page says where it is, in
    English, and costs no more with more English news; once it is, the Spanish home page, with
    its pinned story (its English original, as the translation was made), and search cost
    exactly what the English do."""
    items = add_news(news_index, 12)
    home = HomePage.objects.get()
    home.lead_story = items[0]
    home.save_revision().publish()
    rendered = ("/", "/about-us/", "/join/", "/sitemap.xml", "/sitemap-pages.xml")
    english_only = {url: rendered_queries_for(client, url) for url in rendered}

    # The pages in Spanish, the news not yet.
    spanish_home = in_spanish(home, title="Inicio", slug="inicio")
    assert spanish_home.lead_story_id == items[0].pk
    for slug, title in [("about-us", "Sobre nosotros"), ("our-aims", "Objetivos")]:
        in_spanish(Page.objects.get(slug=slug), title=title, slug=slugify(title))
    in_spanish(Page.objects.get(slug="join"), title="Hágase miembro", slug="hagase-miembro")
    assert "Español" in client.get("/about-us/").text
    html = client.get("/es/").text
    assert "English" in html
    assert 'href="/es/sobre-nosotros/"' in html
    assert 'href="/news/" hreflang="en"' in html
    like = {
        "/es/": "/",
        "/es/sobre-nosotros/": "/about-us/",
        "/es/sobre-nosotros/objetivos/": "/about-us/our-aims/",
        "/es/hagase-miembro/": "/join/",
    }
    english = counts_for(client, like.values())
    spanish = counts_for(client, like)
    assert at_most(spanish, {url: english[like[url]] for url in like}) == spanish
    budgets = {
        **english_only,
        **{es: english_only[en] for es, en in like.items() if en in rendered},
    }
    counts = {url: rendered_queries_for(client, url) for url in budgets}
    assert at_most(counts, budgets) == counts
    # One more item of each kind: a query made for each English item would show.
    add_news(news_index, 6)
    assert counts_for(client, spanish) == spanish

    # The news in Spanish too.
    for page in home.get_descendants().specific().order_by("path"):
        if not page.has_translation(spanish_home.locale):
            in_spanish(page, slug=f"{page.slug}-es")
    lead = '<h2 class="lead-story__title"><a href="/es/news-es/news-0-es/">'
    assert lead in client.get("/es/").text
    english = counts_for(client, ["/", "/search/?q=briefing", "/search/?q=event"])
    spanish = counts_for(client, ["/es/", "/es/search/?q=briefing", "/es/search/?q=event"])
    assert list(spanish.values()) == list(english.values())
