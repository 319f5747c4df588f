"""The page cache: anonymous readers are served from it, editors and previews never are, and
every change shows on every page that displays it at the next request.

The changes are made with real transactions (transactional_db), as the admin and the scheduler
make them: a new generation starts only when a change commits."""

import datetime
import time
from unittest import mock
from zoneinfo import ZoneInfo

import pytest

from django.core.files.base import ContentFile
from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone

from wagtail.models import Site

from home.models import SiteSettings
from news.models import EventPage, NewsPage
from news.models.events import UNCONFIRMED_FOR
from psgsite.page_cache import new_generation, page_cache
from tests.conftest import free_port, in_spanish, manage_py, wait_until
from tests.editorial import edit_form, paragraph
from tests.factories import (
    AboutPageFactory,
    DocumentFactory,
    EventPageFactory,
    JoinPageFactory,
    MembershipTypeFactory,
    NewsPageFactory,
    UserFactory,
)
from tests.psgsite.conftest import REDIS_URLS

LONDON = ZoneInfo("Europe/London")


# Each kind of cache with the database it runs beside: SQLite's suite with the process's memory,
# as a single server such as `make run` keeps it, and PostgreSQL's with Redis, as production's app
# servers share it. What the cache does is the same on either database, and what commits a change
# the same with either cache, so each pair once covers each kind of either (a single production
# server, on PostgreSQL without Redis, keeps its pages in memory as SQLite's suite tests it).
CACHES_WITH = {"sqlite": ["local memory"], "postgresql": ["redis"]}


@pytest.fixture(params=CACHES_WITH[connection.vendor])
def cache_on(request, settings, transactional_db):
    """The page cache turned on, in this process's memory as on a single server, or in Redis
    as app servers share it, with what pages read once a generation (home/visibility.py): every
    change must show whether a page is rendered afresh or served."""
    if request.param == "redis":
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "psgsite.redis_cache.RedisCache",
                "LOCATION": REDIS_URLS[connection.vendor],
                "KEY_PREFIX": "pages",
            },
        }
    settings.PAGE_CACHE_SECONDS = 3600
    settings.PAGE_DATA_KEPT = True
    page_cache().clear()
    yield
    page_cache().clear()


@pytest.fixture
def site(cache_on, news_index):
    """A home page, the news with a story on a topic, an event, and an about page."""
    story = NewsPageFactory(
        parent=news_index,
        title="Conga mine dispute",
        summary="Cajamarca protests continue.",
        date=datetime.date(2013, 3, 1),
    )
    story.topics.add("Mining")
    story.save_revision().publish()
    about = AboutPageFactory(
        parent=news_index.get_parent(), title="About us", slug="about-us", show_in_menus=True
    )
    SiteSettings.for_site(Site.objects.get(is_default_site=True))  # made on first use otherwise
    return {"index": news_index, "story": NewsPage.objects.get(pk=story.pk), "about": about}


@pytest.fixture
def reader():
    return Client()


@pytest.fixture
def moderator_client():
    user = UserFactory(username="moderator", is_superuser=True)
    client = Client()
    client.force_login(user)
    return client


# The pages that show a news item: itself, its listings, the home page, feeds, sitemap, search.
def pages_showing(story, index):
    return [
        story.url,
        index.url,
        index.url + "topic/mining/",
        "/",
        index.url + "feed/rss/",
        index.url + "feed/atom/",
        "/sitemap-pages.xml",
        "/search/?q=Cajamarca",
    ]


def warm(reader, urls):
    """Requests each page twice; the second answer must come from the cache."""
    for url in urls:
        assert reader.get(url).status_code == 200, url
        response = reader.get(url)
        assert response.status_code == 200, url
        assert response["X-Cache"] == "hit", url


def soon_enough_to_warm(reader, urls):
    """A moment far enough ahead that the pages can be warmed and checked before it comes: three
    times what rendering them all once takes on this machine now, and a second more. A fixed
    couple of seconds is too short on a busy machine, and the pages would then never be kept."""
    started = time.monotonic()
    for url in urls:
        assert reader.get(url).status_code == 200, url
    took = time.monotonic() - started
    return timezone.now() + datetime.timedelta(seconds=1 + 3 * took)


def text(response):
    return response.content.decode()


class TestServing:
    def test_a_reader_is_served_from_the_cache_without_a_query(
        self, site, reader, django_assert_num_queries
    ):
        first = reader.get("/")
        assert first["X-Cache"] == "miss"
        with django_assert_num_queries(0):
            second = reader.get("/")
        assert second["X-Cache"] == "hit"
        assert second.content == first.content
        for header in ("Content-Type", "Content-Security-Policy", "X-Frame-Options"):
            assert second[header] == first[header], header

    def test_each_address_and_query_is_kept_apart(self, site, reader):
        for day in range(1, 13):
            NewsPageFactory(parent=site["index"], title=f"Item {day}")
        index = site["index"].url
        warm(reader, [index, index + "?page=2", "/search/?q=Cajamarca", "/search/?q=Item"])
        assert "Page 1 of 2" in text(reader.get(index))
        assert "Page 2 of 2" in text(reader.get(index + "?page=2"))
        assert "Conga mine dispute" in text(reader.get("/search/?q=Cajamarca"))
        assert "Conga mine dispute" not in text(reader.get("/search/?q=Item"))

    def test_a_logged_in_editor_is_never_served_from_it_nor_fills_it(self, site, reader):
        editor = Client()
        editor.force_login(UserFactory(username="editor", is_superuser=True))
        warm(reader, ["/"])
        response = editor.get("/")
        assert "X-Cache" not in response
        assert "wagtail-userbar" in text(response)
        page_cache().clear()
        editor.get(site["story"].url)
        anonymous = reader.get(site["story"].url)
        assert anonymous["X-Cache"] == "miss"
        assert "wagtail-userbar" not in text(anonymous)

    def test_a_preview_is_never_kept_and_a_draft_never_reaches_readers(
        self, site, reader, moderator_client
    ):
        story = site["story"]
        warm(reader, [story.url])
        data = edit_form(moderator_client, story, body=[paragraph("<p>Unpublished words.</p>")])
        preview_url = f"/admin/pages/{story.pk}/edit/preview/"
        assert moderator_client.post(preview_url, data).json()["is_valid"]
        preview = moderator_client.get(preview_url)
        assert "Unpublished words." in text(preview)
        assert "X-Cache" not in preview
        assert moderator_client.post(f"/admin/pages/{story.pk}/edit/", data).status_code == 302
        assert "Unpublished words." not in text(reader.get(story.url))

    def test_a_visitor_with_a_session_goes_past_it(self, site, reader):
        warm(reader, ["/"])
        reader.cookies["sessionid"] = "no-such-session"
        assert "X-Cache" not in reader.get("/")

    def test_forms_errors_and_other_methods_are_not_kept(self, site, reader):
        join = JoinPageFactory(parent=site["index"].get_parent())
        MembershipTypeFactory()  # the join page shows its form then
        for _ in range(2):
            response = reader.get(join.url)
            assert response.status_code == 200
            assert "X-Cache" not in response  # it carries a CSRF token
        for _ in range(2):
            assert "X-Cache" not in reader.get("/no-such-page/")
            assert "X-Cache" not in reader.head("/")
            assert "X-Cache" not in reader.get("/health/")

    def test_with_its_cache_server_down_the_site_is_served_without_it(
        self, site, reader, settings, caplog
    ):
        nothing_listens = f"redis://127.0.0.1:{free_port()}/0"
        down = {
            "BACKEND": "psgsite.redis_cache.RedisCache",
            "LOCATION": nothing_listens,
        }
        with override_settings(CACHES={**settings.CACHES, "pages": down}):
            for _ in range(2):
                response = reader.get(site["story"].url)
                assert response.status_code == 200
                assert "X-Cache" not in response
            assert "Page cache unavailable, serving uncached" in caplog.text
            site["story"].save_revision().publish()  # a publication still goes through
            assert "cached pages may not show the last change" in caplog.text

    def test_turned_off_it_keeps_nothing(self, site, reader, settings):
        settings.PAGE_CACHE_SECONDS = 0
        for _ in range(2):
            assert "X-Cache" not in reader.get("/")


class TestInvalidation:
    def test_an_edit_published_in_the_admin_shows_everywhere(self, site, reader, moderator_client):
        story, index = site["story"], site["index"]
        urls = pages_showing(story, index)
        warm(reader, urls)
        data = edit_form(moderator_client, story, body=[paragraph("<p>Cajamarca again.</p>")])
        data.update(title="Conga mine suspended", slug="conga-suspended")
        data["action-publish"] = "action-publish"
        assert moderator_client.post(f"/admin/pages/{story.pk}/edit/", data).status_code == 302

        new_url = NewsPage.objects.get(pk=story.pk).url
        for url in [new_url, *urls[1:]]:
            response = reader.get(url)
            assert "Conga mine suspended" in text(response) or url == "/sitemap-pages.xml", url
            assert "Conga mine dispute" not in text(response), url
        assert new_url in text(reader.get("/sitemap-pages.xml"))
        assert reader.get(story.url)["Location"] == new_url  # Wagtail's redirect from the old slug

    def test_a_new_page_shows_everywhere(self, site, reader):
        story, index = site["story"], site["index"]
        warm(reader, pages_showing(story, index))
        new = NewsPageFactory(parent=index, title="Cajamarca water march", live=False)
        new.topics.add("Mining")
        new.save_revision().publish()
        new = NewsPage.objects.get(pk=new.pk)
        for url in pages_showing(story, index)[1:]:
            shown = new.url if url == "/sitemap-pages.xml" else "Cajamarca water march"
            assert shown in text(reader.get(url)), url

    def test_unpublishing_takes_it_off_every_page(self, site, reader, moderator_client):
        story, index = site["story"], site["index"]
        urls = pages_showing(story, index)
        warm(reader, urls)
        response = moderator_client.post(f"/admin/pages/{story.pk}/unpublish/")
        assert response.status_code == 302
        assert reader.get(story.url).status_code == 404
        for url in urls[1:]:
            response = reader.get(url)
            assert response.status_code in (200, 404), url  # the topic has no news left
            assert "Conga mine dispute" not in text(response), url
            assert story.url not in text(response), url

    def test_deleting_takes_it_off_every_page(self, site, reader, moderator_client):
        story, index = site["story"], site["index"]
        urls = pages_showing(story, index)
        warm(reader, urls)
        response = moderator_client.post(f"/admin/pages/{story.pk}/delete/")
        assert response.status_code == 302
        assert reader.get(story.url).status_code == 404
        for url in urls[1:]:
            assert story.url not in text(reader.get(url)), url

    def test_moving_a_page_shows_at_its_new_address(self, site, reader, moderator_client):
        about, home = site["about"], site["index"].get_parent()
        staff = AboutPageFactory(parent=home, title="Our staff", slug="staff")
        warm(reader, [staff.url, "/", "/sitemap-pages.xml", about.url])
        response = moderator_client.post(f"/admin/pages/{staff.pk}/move/{about.pk}/confirm/")
        assert response.status_code == 302, response.status_code
        assert reader.get("/staff/")["Location"] == "/about-us/staff/"
        assert reader.get("/about-us/staff/").status_code == 200
        sitemap = text(reader.get("/sitemap-pages.xml"))
        assert "/about-us/staff/<" in sitemap and "localhost/staff/<" not in sitemap

    def test_changed_site_settings_show_on_every_page(self, site, reader):
        urls = [site["story"].url, "/", site["index"].url, site["about"].url]
        warm(reader, urls)
        settings_ = SiteSettings.for_site(Site.objects.get(is_default_site=True))
        settings_.email = "new-address@perusupportgroup.org.uk"
        settings_.save()
        for url in urls:
            assert "new-address@perusupportgroup.org.uk" in text(reader.get(url)), url

    def test_a_replaced_document_shows_on_the_briefing(self, site, reader):
        document = DocumentFactory(title="Briefing 41")
        briefing = NewsPageFactory(
            parent=site["index"], title="A briefing", is_briefing=True, briefing_document=document
        )
        warm(reader, [briefing.url])
        document.file = ContentFile(b"%PDF-1.4\n" + b"0" * 4000, name="briefing-41-revised.pdf")
        document.file_size = None
        document.save()
        assert document.file.name.split("/")[-1] in text(reader.get(briefing.url))

    def test_a_new_generation_starts_only_once_the_change_commits(self, site, reader):
        """Until then other requests read the database as it was; what they render then is
        stored under the old generation, and so never served after the change."""
        story = site["story"]
        warm(reader, [story.url])
        before = page_cache().get("generation")
        with transaction.atomic():
            story.title = "Renamed inside a transaction"
            story.save_revision().publish()
            assert page_cache().get("generation") == before
        assert page_cache().get("generation") != before
        assert "Renamed inside a transaction" in text(reader.get(story.url))

    def test_a_publication_starts_one_generation(self, site):
        """Publishing saves the page, its revision and a log entry, each heard as a change; one
        generation is enough for them all, or pages rendered between two would be for nothing."""
        story = site["story"]
        with transaction.atomic():
            story.title = "Renamed once"
            story.save_revision().publish()
            pending = [call for _, call, _ in connection.run_on_commit if call is new_generation]
        assert len(pending) == 1

    def test_a_cache_that_lost_the_generation_starts_one_that_every_request_shares(
        self, site, reader, monkeypatch
    ):
        """A new cache, or one that dropped the key to make room, gets a generation at the next
        request; while it has one, a request only reads it (one round trip to Redis)."""
        page_cache().delete("generation")
        warm(reader, [site["story"].url])
        started = page_cache().get("generation")
        assert started is not None
        added = []
        add = page_cache().add

        def recorded_add(key, *args, **kwargs):
            added.append(key)
            return add(key, *args, **kwargs)

        monkeypatch.setattr(page_cache(), "add", recorded_add)
        with override_settings(PAGE_CACHE_SECONDS=0):
            assert "Conga mine dispute" in text(reader.get(site["story"].url))
        assert "generation" not in added
        assert page_cache().get("generation") == started


class TestLanguages:
    """Each language's pages are kept apart, by their addresses, and a translation shows in
    its language at once."""

    def test_english_and_spanish_pages_are_each_kept_and_served(self, site, reader):
        in_spanish(site["index"].get_parent(), title="Inicio", heading="Derechos humanos")
        warm(reader, ["/", "/es/"])
        assert "Derechos humanos" in text(reader.get("/es/"))
        assert "Derechos humanos" not in text(reader.get("/"))
        asked = reader.get("/", HTTP_ACCEPT_LANGUAGE="es")
        assert asked["X-Cache"] == "hit"
        assert asked["Content-Language"] == "en-gb"

    def test_a_published_translation_shows_at_once_and_a_withdrawn_one_goes(self, site, reader):
        warm(reader, ["/", site["about"].url])
        assert reader.get("/es/").status_code == 404
        spanish = in_spanish(site["index"].get_parent(), title="Inicio", heading="Bienvenidos")
        assert "Bienvenidos" in text(reader.get("/es/"))
        about = in_spanish(site["about"], title="Sobre nosotros", slug="sobre-nosotros")
        assert "Sobre nosotros" in text(reader.get("/es/sobre-nosotros/"))
        warm(reader, ["/es/", "/es/sobre-nosotros/"])
        about.unpublish()
        assert reader.get("/es/sobre-nosotros/").status_code == 404
        spanish.unpublish()
        assert reader.get("/es/").status_code == 404
        assert reader.get("/").status_code == 200

    def test_spanish_pages_link_the_spanish_privacy_notice_while_it_is_live(self, site, reader):
        home = site["index"].get_parent()
        notice = AboutPageFactory(parent=home, title="Privacy notice", slug="privacy")
        settings_ = SiteSettings.for_site(Site.objects.get(is_default_site=True))
        settings_.privacy_notice = notice
        settings_.save()
        in_spanish(home, title="Inicio")
        warm(reader, ["/es/"])
        assert '<a href="/privacy/" hreflang="en-GB" lang="en-GB">' in text(reader.get("/es/"))
        spanish = in_spanish(notice, title="Aviso de privacidad", slug="aviso-de-privacidad")
        assert '<a href="/es/aviso-de-privacidad/">Aviso' in text(reader.get("/es/"))
        warm(reader, ["/es/"])
        spanish.unpublish()
        assert '<a href="/privacy/" hreflang="en-GB" lang="en-GB">' in text(reader.get("/es/"))


class TestChangesByTheClock:
    """Scheduled publishing runs in a process of its own. With the cache in this process's
    memory it cannot tell this process of a change: pages are kept only until the change is due,
    and not at all while it waits for the scheduler."""

    def run_scheduler(self):
        import subprocess

        result = subprocess.run(**manage_py("run_scheduler", "--once"), timeout=120)
        assert result.returncode == 0, result.stderr

    def test_a_scheduled_edit_shows_everywhere_once_the_scheduler_publishes_it(self, site, reader):
        story, index = site["story"], site["index"]
        urls = pages_showing(story, index)
        due = soon_enough_to_warm(reader, urls)
        warm(reader, urls)
        story.title, story.go_live_at = "Conga referendum set", due
        story.save_revision().publish()
        warm(reader, urls)
        while timezone.now() <= due:
            time.sleep(0.1)
        # Due, but not yet published: readers still see the page as it is live.
        for url in urls:
            response = reader.get(url)
            assert "Conga mine dispute" in text(response) or url == "/sitemap-pages.xml", url
            assert "X-Cache" not in response, url
        self.run_scheduler()
        for url in urls:
            response = reader.get(url)
            assert "Conga referendum set" in text(response) or url == "/sitemap-pages.xml", url
            assert "Conga mine dispute" not in text(response), url

    def test_an_expired_page_comes_off_every_page_once_the_scheduler_takes_it_down(
        self, site, reader
    ):
        story, index = site["story"], site["index"]
        urls = pages_showing(story, index)
        due = soon_enough_to_warm(reader, urls)
        story.expire_at = due
        story.save_revision().publish()
        warm(reader, urls)
        while timezone.now() <= due:
            time.sleep(0.1)
        self.run_scheduler()
        assert reader.get(story.url).status_code == 404
        for url in urls[1:]:
            assert story.url not in text(reader.get(url)), url

    def test_an_event_moves_from_upcoming_to_past_when_it_ends(self, site, reader):
        index = site["index"]
        upcoming, past = index.url + "events/", index.url + "events/past/"
        ends = soon_enough_to_warm(reader, [upcoming, past])
        EventPageFactory(
            parent=index, title="Vigil", start=ends - datetime.timedelta(hours=1), end=ends
        )
        warm(reader, [upcoming, past])
        assert "Vigil" in text(reader.get(upcoming))
        assert "Vigil" not in text(reader.get(past))
        assert wait_until(lambda: timezone.now() > ends, timeout=120)
        assert "Vigil" not in text(reader.get(upcoming))
        assert "Vigil" in text(reader.get(past))
        assert EventPage.objects.get(title="Vigil").live

    def test_an_event_whose_date_was_never_fixed_moves_to_past_at_midnight(
        self, site, reader, settings
    ):
        settings.PAGE_CACHE_SECONDS = 3 * 24 * 3600  # kept past midnight, but for the event
        index = site["index"]
        # Announced six months ago tomorrow: to be confirmed until midnight tonight, UK time.
        announced = timezone.localdate() - UNCONFIRMED_FOR + datetime.timedelta(days=1)
        EventPageFactory(parent=index, title="Teach-in", start=None, date=announced)
        upcoming, past = index.url + "events/", index.url + "events/past/"
        warm(reader, [upcoming, past])
        assert "Teach-in" in text(reader.get(upcoming))
        midnight = datetime.datetime.combine(
            announced + UNCONFIRMED_FOR, datetime.time(), tzinfo=LONDON
        )
        for moment, listed, unlisted in [
            (midnight - datetime.timedelta(seconds=1), upcoming, past),
            (midnight + datetime.timedelta(seconds=1), past, upcoming),
        ]:
            with (
                mock.patch("time.time", return_value=moment.timestamp()),
                mock.patch("django.utils.timezone.now", return_value=moment),
            ):
                assert "Teach-in" in text(reader.get(listed)), moment
                assert "Teach-in" not in text(reader.get(unlisted)), moment


class TestBoundedKeys:
    """Anyone can write addresses: the entries are bounded by the pages the site has."""

    def entries(self):
        cache = page_cache()
        if hasattr(cache, "_cache") and isinstance(cache._cache, dict):  # local memory
            return sum(1 for key in cache._cache if ":page:" in key)
        return len(cache._cache.get_client().keys("pages:*:page:*"))

    def test_trackers_parameters_are_served_the_page_everyone_gets(self, site, reader):
        story = site["story"].url
        warm(reader, [story])
        kept = self.entries()
        for query in ("utm_source=newsletter&utm_medium=email", "fbclid=IwAR0abc", "gclid=x1"):
            response = reader.get(f"{story}?{query}")
            assert response["X-Cache"] == "hit", query
            assert "Conga mine dispute" in text(response)
        assert self.entries() == kept

    def test_a_parameter_no_page_reads_adds_nothing(self, site, reader):
        story, index = site["story"].url, site["index"].url
        warm(reader, [story, index])
        kept = self.entries()
        for n in range(20):
            for url in (f"{story}?x={n}", f"/?cachebuster={n}", f"{index}?page=1&x={n}"):
                response = reader.get(url)
                assert response.status_code == 200, url
                assert "X-Cache" not in response, url
        assert self.entries() == kept

    def test_a_page_number_is_kept_only_as_the_page_links_to_it(self, site, reader):
        for day in range(1, 13):
            NewsPageFactory(parent=site["index"], title=f"Item {day}")
        index = site["index"].url
        warm(reader, [index, index + "?page=2", index + "?page=2&utm_campaign=x"])
        kept = self.entries()
        # Other spellings render page 1 or the last page, and are not kept as new entries.
        for query in ("page=02", "page=2.0", "page=999", "page=-1", "page=abc", "page=1&page=2"):
            for _ in range(2):
                response = reader.get(f"{index}?{query}")
                assert response.status_code == 200, query
                assert "X-Cache" not in response, query
        assert "Page 2 of 2" in text(reader.get(index + "?page=999"))
        assert self.entries() == kept

    def test_search_is_kept_under_the_query_it_shows(self, site, reader):
        warm(reader, ["/search/?q=Cajamarca", "/search/?q=Cajamarca&utm_source=x"])
        kept = self.entries()
        for query in ("q=+Cajamarca", "q=Cajamarca++", "q=Cajamarca&x=1"):
            response = reader.get(f"/search/?{query}")
            assert "Conga mine dispute" in text(response), query
            assert "X-Cache" not in reader.get(f"/search/?{query}"), query
        assert self.entries() == kept

    def test_a_sitemap_section_is_kept_only_under_its_number(self, site, reader):
        warm(reader, ["/sitemap-pages.xml", "/sitemap-pages.xml?p=1"])
        kept = self.entries()
        assert reader.get("/sitemap-pages.xml?p=01").status_code == 200
        assert "X-Cache" not in reader.get("/sitemap-pages.xml?p=01")
        assert reader.get("/sitemap-pages.xml?p=2").status_code == 404
        assert self.entries() == kept


def test_the_redis_cache_keeps_one_client_for_its_operations(settings):
    """psgsite/redis_cache.py: Django's makes a client for every operation."""
    settings.CACHES = {
        **settings.CACHES,
        "pages": {
            "BACKEND": "psgsite.redis_cache.RedisCache",
            "LOCATION": REDIS_URLS[connection.vendor],
        },
    }
    cache = page_cache()
    cache.set("kept", "yes")
    assert cache.get_many(["kept", "absent"]) == {"kept": "yes"}
    assert cache._cache.get_client() is cache._cache.get_client(write=True)
    cache.delete("kept")


def test_the_tolerant_cache_answers_as_an_empty_one_while_redis_is_down(caplog):
    """The default cache (Wagtail's lookups, the form limits) with nothing listening; the page
    cache's own kind raises, and both then leave the server alone for a moment."""
    from redis.exceptions import ConnectionError as RedisConnectionError

    from psgsite.redis_cache import CacheUnavailable, RedisCache, TolerantRedisCache

    nowhere = f"redis://127.0.0.1:{free_port()}/0"
    tolerant = TolerantRedisCache(nowhere, {})
    assert tolerant.get("key") is None
    assert tolerant.get("key", "default") == "default"
    assert tolerant.get_or_set("key", "made") == "made"
    assert tolerant.add("key", 1) is False
    assert tolerant.set("key", 1) is None
    assert tolerant.set_many({"a": 1, "b": 2}) == ["a", "b"]
    assert tolerant.get_many(["a", "b"]) == {}
    assert tolerant.has_key("a") is False
    assert tolerant.delete("a") is False
    with pytest.raises(ValueError):
        tolerant.incr("count")
    # One warning, not one for each operation.
    assert caplog.text.count("Cache unavailable, going on without it") == 1

    strict = RedisCache(f"redis://127.0.0.1:{free_port()}/0", {})
    with pytest.raises(RedisConnectionError, match="Connection refused"):
        strict.get("key")
    with pytest.raises(CacheUnavailable):  # not tried again at once
        strict.get("key")
