"""With a CDN in front (FRONTEND_CACHE_PURGE_URL), publishing a page purges it and the
listings that show it. A small HTTP server here plays the CDN and records what it is told."""

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from wagtail.models import Site

from about.models import AboutPage
from news.models import NewsIndexPage
from tests.conftest import load_site_content
from tests.factories import NewsPageFactory
from tests.psgsite.conftest import run_production
from tests.psgsite.test_scheduler import schedule


class PurgeRecorder(BaseHTTPRequestHandler):
    def do_PURGE(self):  # noqa: N802 - the HTTP method's name
        self.server.purged.append((self.headers["Host"], self.path))
        self.send_response(200)
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.fixture
def cdn():
    server = ThreadingHTTPServer(("127.0.0.1", 0), PurgeRecorder)
    server.purged = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def test_a_scheduled_publication_purges_the_page_its_listings_and_the_sitemap(
    transactional_db, cdn
):
    load_site_content()
    index = NewsIndexPage.objects.get()
    story = NewsPageFactory(parent=index, title="Purged story", live=False)
    schedule(story)

    result = run_production(
        "run_scheduler",
        "--once",
        FRONTEND_CACHE_PURGE_URL=f"http://127.0.0.1:{cdn.server_port}",
    )

    assert result.returncode == 0, result.stderr
    assert "Published" in result.stdout
    paths = {path for _, path in cdn.purged}
    assert {
        "/news/purged-story/",
        "/news/",
        "/news/feed/rss/",
        "/news/feed/atom/",
        "/news/events/",
        "/",
        "/sitemap.xml",
        "/sitemap-pages.xml",
    } <= paths
    # The purges name the site's own host, as the CDN knows it.
    assert {host for host, _ in cdn.purged} == {Site.objects.get(is_default_site=True).hostname}


def test_a_translation_published_purges_the_page_that_now_links_to_it(transactional_db, cdn):
    load_site_content()  # About us in Spanish among the day-one pages
    spanish = AboutPage.objects.get(slug="sobre-nosotros", locale__language_code="es")
    spanish.unpublish()
    schedule(AboutPage.objects.get(pk=spanish.pk))

    result = run_production(
        "run_scheduler",
        "--once",
        FRONTEND_CACHE_PURGE_URL=f"http://127.0.0.1:{cdn.server_port}",
    )

    assert result.returncode == 0, result.stderr
    assert {"/es/sobre-nosotros/", "/es/", "/about-us/"} <= {path for _, path in cdn.purged}


def test_without_a_cdn_nothing_is_purged(transactional_db, cdn):
    load_site_content()
    story = NewsPageFactory(parent=NewsIndexPage.objects.get(), title="Quiet story", live=False)
    schedule(story)
    assert run_production("run_scheduler", "--once").returncode == 0
    assert cdn.purged == []
