"""A page in English and Spanish says which language it is in, links to itself in the other
language (labelled in that language), and names both addresses for search engines; a page in
one language only offers nothing."""

import datetime

import pytest
from bs4 import BeautifulSoup

from django.test import Client

from wagtail.models import PageViewRestriction

from news.models import Topic
from tests.conftest import in_spanish
from tests.factories import (
    AboutPageFactory,
    HomePageFactory,
    JoinPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)

pytestmark = pytest.mark.django_db


def read(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return BeautifulSoup(response.content, "html.parser")


def switcher(html):
    """The header's links to the page in another language: (text, href, lang, hreflang)."""
    return [
        (link.text, link["href"], link["lang"], link["hreflang"])
        for link in html.select("header .language-switch")
    ]


def alternates(html):
    return {
        link["hreflang"]: link["href"]
        for link in html.select('head link[rel="alternate"][hreflang]')
    }


@pytest.fixture
def about(home, spanish_home):
    english = AboutPageFactory(parent=home, title="About us", slug="about")
    in_spanish(english, title="Sobre nosotros", slug="sobre-nosotros")
    return english


def test_the_page_says_its_language(client, home, spanish_home):
    assert read(client, "/").html["lang"] == "en-GB"
    assert read(client, "/es/").html["lang"] == "es"


def test_a_translated_page_links_to_itself_in_the_other_language(client, about):
    assert switcher(read(client, "/about/")) == [("Español", "/es/sobre-nosotros/", "es", "es")]
    assert switcher(read(client, "/es/sobre-nosotros/")) == [
        ("English", "/about/", "en-GB", "en-GB")
    ]


def test_the_name_in_the_header_leads_home_in_the_page_s_language(client, about):
    assert read(client, "/es/sobre-nosotros/").select_one("header a.brand")["href"] == "/es/"
    assert read(client, "/about/").select_one("header a.brand")["href"] == "/"


def test_the_home_pages_link_to_each_other(client, home, spanish_home):
    assert switcher(read(client, "/")) == [("Español", "/es/", "es", "es")]
    assert switcher(read(client, "/es/")) == [("English", "/", "en-GB", "en-GB")]


def test_each_language_is_named_for_search_engines(client, about):
    expected = {
        "en-GB": "http://localhost/about/",
        "x-default": "http://localhost/about/",
        "es": "http://localhost/es/sobre-nosotros/",
    }
    assert alternates(read(client, "/about/")) == expected
    assert alternates(read(client, "/es/sobre-nosotros/")) == expected


def test_a_page_in_one_language_offers_no_other(client, home, spanish_home):
    AboutPageFactory(parent=home, slug="only-english")
    html = read(client, "/only-english/")
    assert switcher(html) == []
    assert alternates(html) == {}


def test_a_draft_or_private_translation_is_not_offered(client, about):
    spanish = about.get_translations().get().specific
    spanish.unpublish()
    assert switcher(read(client, "/about/")) == []
    spanish.save_revision().publish()
    assert switcher(read(client, "/about/")) != []
    PageViewRestriction.objects.create(page=spanish, restriction_type="login")
    html = read(client, "/about/")
    assert switcher(html) == []
    assert alternates(html) == {}


def test_a_translation_no_site_has_an_address_for_is_not_offered(client, about, home):
    """A Spanish page moved out of the site's tree (under a Spanish home page kept in the
    tree that no site has for its root) has no address to link to."""
    spanish = about.get_translations().get()
    elsewhere = HomePageFactory(parent=home.get_parent(), slug="archivo", locale=spanish.locale)
    spanish.move(elsewhere, pos="last-child")
    html = read(client, "/about/")
    assert switcher(html) == []
    assert alternates(html) == {}


@pytest.fixture
def news(home, spanish_home):
    index = NewsIndexPageFactory(parent=home, title="News", slug="news")
    in_spanish(index, title="Noticias", slug="noticias")
    item = NewsPageFactory(parent=index, title="Mining", date=datetime.date(2012, 5, 1))
    item.save_revision().publish()
    return index


def test_a_listing_below_the_news_links_to_the_same_listing_in_spanish(client, news):
    for path in ("", "events/", "events/past/", "kind/briefings/"):
        html = read(client, f"/news/{path}")
        assert switcher(html) == [("Español", f"/es/noticias/{path}", "es", "es")], path
        assert alternates(html)["es"] == f"http://localhost/es/noticias/{path}"
    for path in ("", "events/", "kind/briefings/"):
        html = read(client, f"/es/noticias/{path}")
        assert switcher(html) == [("English", f"/news/{path}", "en-GB", "en-GB")], path


def test_a_year_or_a_topic_links_to_the_news_in_spanish_never_to_a_page_not_found(client, news):
    # The Spanish news has no item of 2012, nor of any topic: their listings would be a 404.
    topic = Topic.objects.create(name="Mining")
    item = news.get_children().get().specific
    item.topics.add(topic.name)
    item.save_revision().publish()
    for path in ("2012/", f"topic/{topic.slug}/"):
        html = read(client, f"/news/{path}")
        ((name, url, lang, hreflang),) = switcher(html)
        assert url == "/es/noticias/", path
        assert client.get(url).status_code == 200
        # Nor is the missing listing named as the year's or topic's own in Spanish.
        assert alternates(html) == {}, path


def test_a_news_item_not_translated_offers_no_spanish(client, news):
    html = read(client, "/news/")
    item_url = html.select_one("main a[href^='/news/mining']")
    assert item_url is not None
    assert switcher(read(client, item_url["href"])) == []


def test_an_editor_s_view_of_a_draft_links_to_the_translation_too(admin_client, about):
    """A page not found by its address asks for its translations itself."""
    html = BeautifulSoup(
        admin_client.get(f"/admin/pages/{about.pk}/view_draft/").content, "html.parser"
    )
    assert switcher(html) == [("Español", "/es/sobre-nosotros/", "es", "es")]


def test_a_page_without_the_database_says_its_language_too(home, spanish_home):
    """The join form refused for want of its security token (templates/standalone.html)."""
    in_spanish(JoinPageFactory(parent=home, slug="join"), slug="unirse")
    client = Client(enforce_csrf_checks=True)
    for url, language in (("/es/unirse/", "es"), ("/join/", "en-GB")):
        response = client.post(url, {"email": "ana@example.org"})
        assert response.status_code == 403
        assert BeautifulSoup(response.content, "html.parser").html["lang"] == language


def test_the_header_searches_in_the_page_language(client, spanish_home):
    forms = {url: read(client, url).select_one("form.header-search") for url in ("/", "/es/")}
    assert forms["/"]["action"] == "/search/"
    assert forms["/es/"]["action"] == "/es/search/"
