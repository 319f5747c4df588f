"""What every page reads and only a change to the content alters (the site, its settings, the
view restrictions, the menu, the listings' topics, years and counts) is read once a generation
(home/visibility.py): later renders do not ask for it, and a change shows at the next request
whether the page cache is on or not, as for editors, who are never served from it. The changes
are made with real transactions, as the admin makes them: a new generation starts only when a
change commits."""

import datetime

import pytest
from bs4 import BeautifulSoup

from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.models import PageViewRestriction, Site

from home.models import SiteSettings
from home.visibility import forget_kept
from tests.factories import (
    AboutPageFactory,
    JoinPageFactory,
    NewsIndexPageFactory,
    NewsPageFactory,
)

# Tables read only for what is kept once a generation, on a page with no listing.
KEPT_TABLES = ("wagtailcore_site", "home_sitesettings", "wagtailcore_pageviewrestriction")


@pytest.fixture
def kept(settings, transactional_db):
    """The page cache off (every page rendered, as for an editor), what pages read once a
    generation kept, in this process's memory."""
    settings.PAGE_CACHE_SECONDS = 0
    settings.PAGE_DATA_KEPT = True


@pytest.fixture
def site(kept, home):
    index = NewsIndexPageFactory(parent=home, slug="news", show_in_menus=True)
    story = NewsPageFactory(parent=index, title="Conga mine", date=datetime.date(2013, 3, 1))
    story.topics.add("Mining")
    story.save_revision().publish()
    SiteSettings.for_site(Site.objects.get(is_default_site=True))  # made on first use otherwise
    return {"home": home, "index": index, "story": story}


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, [query["sql"] for query in queries.captured_queries]


def reads(sql, table):
    return any(f'"{table}"' in query for query in sql)


def test_a_page_rendered_again_asks_the_database_for_its_page_alone(client, site):
    about = AboutPageFactory(parent=site["home"], title="About us", show_in_menus=True)
    _, first = queries_of(client, about.url)
    _, again = queries_of(client, about.url)
    assert all(reads(first, table) for table in KEPT_TABLES)
    assert not any(reads(again, table) for table in KEPT_TABLES)
    assert len(again) < len(first)


def test_a_listing_rendered_again_reads_only_the_items_it_shows(client, site):
    """Its topics, its years and its order (the keys of all its items) are kept."""
    url = site["index"].url
    _, first = queries_of(client, url)
    _, again = queries_of(client, url)
    assert reads(first, "news_topic")
    assert not reads(again, "news_topic")
    assert len(again) <= len(first) - 3


def test_a_new_page_in_the_menu_shows_at_the_next_request(client, site):
    assert "Campaigns" not in client.get("/").content.decode()
    AboutPageFactory(parent=site["home"], title="Campaigns", show_in_menus=True)
    for url in ["/", site["story"].url, site["index"].url]:
        assert 'href="/campaigns/">Campaigns<' in client.get(url).content.decode(), url


def test_the_kept_menu_marks_where_each_page_lies(client, site):
    """The menu's entries are kept; which of them holds the page shown is worked out for each."""

    def marked(url):
        menu = BeautifulSoup(client.get(url).text, "html.parser").select_one(".main-nav")
        return [(a["href"], a["aria-current"]) for a in menu.select("a[aria-current]")]

    for _ in range(2):
        assert marked("/") == [("/", "page")]
        assert marked(site["index"].url) == [("/news/", "page")]
        assert marked(site["story"].url) == [("/news/", "true")]


def test_a_new_join_page_shows_in_every_pages_frame_at_the_next_request(client, site):
    assert 'class="button button--join"' not in client.get(site["story"].url).text
    JoinPageFactory(parent=site["home"])
    for url in ["/", site["story"].url, site["index"].url]:
        assert '<a class="button button--join" href="/join/">' in client.get(url).text, url


def test_changed_settings_show_at_the_next_request(client, site):
    assert "Peru Support Group" in client.get("/").content.decode()
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation_name = "Grupo de Apoyo al Perú"
    settings.save()
    assert "Grupo de Apoyo al Perú" in client.get(site["story"].url).content.decode()


def test_the_frame_is_rendered_once_a_generation(client, site):
    """The header and footer, the same on every page, are rendered for the first page served
    after a change and kept (site_tags.frame): the footer's social links are rendered then."""
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.social_links = [("link", {"name": "Bluesky", "url": "https://bsky.app/x"})]
    settings.save()
    link = "blocks/social_link_block.html"

    def rendered(url):
        response = client.get(url)
        assert '<a href="https://bsky.app/x" rel="me">Bluesky</a>' in response.text, url
        return {template.name for template in response.templates}

    assert link in rendered("/")
    assert link not in rendered(site["story"].url)
    assert link not in rendered(site["index"].url)
    AboutPageFactory(parent=site["home"], title="Campaigns")
    assert link in rendered(site["story"].url)


def test_the_kept_footer_invites_readers_to_join_on_every_page_but_the_join_page(client, site):
    join = JoinPageFactory(parent=site["home"])
    for first, then in [(join.url, site["story"].url), (site["story"].url, join.url)]:
        AboutPageFactory(parent=site["home"])  # a change: the frame is rendered afresh
        for url in (first, then, first):
            footer = BeautifulSoup(client.get(url).text, "html.parser").select_one("footer")
            assert bool(footer.select(".site-footer__join")) is (url != join.url), url


def test_the_kept_frame_is_in_the_language_of_the_page(client, site, spanish_home):
    for _ in range(2):
        for url, search in [("/", "Search the site"), ("/es/", "Buscar en el sitio")]:
            header = BeautifulSoup(client.get(url).text, "html.parser").select_one("header")
            assert header.select_one("label[for=header-search-query]").text == search, url


def test_a_changed_site_address_shows_in_full_addresses_at_the_next_request(client, site):
    """Full addresses (the canonical link) are made from the sites' root paths, kept."""

    def canonical(url):
        page = BeautifulSoup(client.get(url).text, "html.parser")
        return page.select_one("link[rel=canonical]")["href"]

    assert canonical(site["story"].url) == "http://localhost" + site["story"].url
    default = Site.objects.get(is_default_site=True)
    default.hostname, default.port = "www.example.org", 443
    default.save()
    assert canonical(site["story"].url) == "https://www.example.org" + site["story"].url


def test_a_privacy_notice_chosen_is_linked_at_the_next_request(client, site):
    notice = AboutPageFactory(parent=site["home"], title="Privacy notice", slug="privacy")
    assert 'href="/privacy/"' not in client.get("/").text
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.privacy_notice = notice
    settings.save()
    for url in ["/", site["story"].url]:
        legal = BeautifulSoup(client.get(url).text, "html.parser").select_one(".site-footer__legal")
        assert legal.select_one('a[href="/privacy/"]').text == "Privacy notice", url


def test_a_section_made_private_leaves_the_menu_at_the_next_request(client, site):
    members = AboutPageFactory(parent=site["home"], title="Members", show_in_menus=True)
    assert 'href="/members/"' in client.get("/").content.decode()
    PageViewRestriction.objects.create(page=members, restriction_type="password", password="x")
    assert 'href="/members/"' not in client.get("/").content.decode()
    assert "password" in client.get(members.url).content.decode().lower()


def test_a_new_item_counts_and_gives_its_year_at_the_next_request(client, site):
    index = site["index"]
    assert client.get(index.url + "2019/").status_code == 404
    first = client.get(index.url).context["items"].paginator.count
    NewsPageFactory(parent=index, title="Las Bambas", date=datetime.date(2019, 5, 2))
    assert client.get(index.url).context["items"].paginator.count == first + 1
    assert "Las Bambas" in client.get(index.url + "2019/").content.decode()


def test_with_the_cache_down_each_request_reads_its_own(client, site, settings):
    """Nothing listens at the cache's address: no generation, so nothing is kept."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {"BACKEND": "psgsite.redis_cache.RedisCache", "LOCATION": "redis://127.0.0.1:9/0"},
    }
    about = AboutPageFactory(parent=site["home"], title="About us", show_in_menus=True)
    queries_of(client, about.url)
    _, again = queries_of(client, about.url)
    assert all(reads(again, table) for table in KEPT_TABLES)
    AboutPageFactory(parent=site["home"], title="Campaigns", show_in_menus=True)
    assert "Campaigns" in client.get(about.url).content.decode()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's prepared statements")
def test_what_is_read_once_a_generation_is_planned_with_its_values(client, site):
    """A listing's order reads every item: a plan made without the values reads them slowly,
    and what is read once a generation (its order, its years) gains nothing from a plan kept.
    What each render reads is kept prepared (DATABASE_PREPARED_STATEMENTS)."""
    for _ in range(8):
        forget_kept()
        assert client.get(site["index"].url).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = [row[0] for row in cursor.fetchall()]
    assert not any("WITH RECURSIVE newest" in statement for statement in prepared)  # its years
    assert not any('AS "pk" FROM "news_newsitempage"' in statement for statement in prepared)
    # The items shown, with their images.
    assert any('"wagtailimages_image"."file"' in statement for statement in prepared)
    assert connection.connection.prepare_threshold == 5
