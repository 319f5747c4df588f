"""After a publication, readers who ask for a page that another request is rendering wait for
that render and are served what it keeps (psgsite/page_cache.py): the page is rendered once, not
once for each of them, and no one is served a page older than the publication. Where the render
keeps nothing, fails or takes too long, and where the cache is down, each renders the page itself.

Requests run in threads of this process, as a gunicorn worker's threads do; the render is held
inside the page's template until the test lets it go, and the test waits on what the waiters do
(their line in the log, their reads in Redis), never on the clock."""

import datetime
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from django.db import connection
from django.test import Client
from django.test.signals import template_rendered

from wagtail.models import Site

from home.models import SiteSettings
from news.models import NewsPage
from psgsite import page_cache as page_cache_module
from psgsite.page_cache import page_cache
from tests.conftest import wait_until
from tests.factories import NewsPageFactory

WAITERS = 4
WAITING = "Waiting for another request to render"


@pytest.fixture
def redis_server(private_redis):
    """A Redis server of the test's own: the test reads its command counts and may stop it."""
    return private_redis()


@pytest.fixture(params=["redis", "local memory"])
def cache_on(request, settings, transactional_db, redis_server):
    if request.param == "redis":
        settings.CACHES = {
            **settings.CACHES,
            "pages": {
                "BACKEND": "psgsite.redis_cache.RedisCache",
                "LOCATION": redis_server.url,
                "KEY_PREFIX": "pages",
            },
        }
    settings.PAGE_CACHE_SECONDS = 3600
    page_cache().clear()
    yield request.param
    if request.param == "local memory":  # the process's; a Redis server ends with its test
        page_cache().clear()


@pytest.fixture
def redis_only(cache_on):
    if cache_on != "redis":
        pytest.skip("Reads the Redis server's own counts, or stops it")


@pytest.fixture
def story(cache_on, news_index):
    story = NewsPageFactory(
        parent=news_index, title="Conga mine dispute", date=datetime.date(2013, 3, 1)
    )
    story.save_revision().publish()
    SiteSettings.for_site(Site.objects.get(is_default_site=True))  # made on first use otherwise
    story = NewsPage.objects.get(pk=story.pk)
    Client().get(story.url)
    assert Client().get(story.url)["X-Cache"] == "hit"
    return story


@pytest.fixture
def waiting(caplog):
    """How many requests have found the page being rendered by another, and waited."""
    caplog.set_level(logging.DEBUG, logger="psgsite.page_cache")
    return lambda: caplog.text.count(WAITING)


class Readers:
    """Requests sent from threads, as a worker's threads answer them, each from a reader of its
    own without cookies; `get` returns the future answer."""

    def __init__(self):
        self.executor = ThreadPoolExecutor(max_workers=WAITERS + 2)

    def get(self, path):
        return self.executor.submit(self.request, path)

    @staticmethod
    def request(path):
        try:
            # The clients of every thread hear each other's exceptions: none raises them.
            return Client(raise_request_exception=False).get(path)
        finally:
            connection.close()


@pytest.fixture
def pool():
    readers = Readers()
    yield readers
    readers.executor.shutdown(wait=True, cancel_futures=True)


class HeldRenders:
    """Counts the renders of one template; the first `held` of them wait inside it until let go,
    and then raise where told to, as a failing view would."""

    def __init__(self, template_name, held=1, fail=False):
        self.template_name, self.held, self.fail = template_name, held, fail
        self.count = 0
        self.lock = threading.Lock()
        self.entered = [threading.Event() for _ in range(held)]
        self.go = [threading.Event() for _ in range(held)]

    def __call__(self, sender, template, **kwargs):
        if template.name != self.template_name:
            return
        with self.lock:
            self.count += 1
            n = self.count - 1
        if n < self.held:
            self.entered[n].set()
            assert self.go[n].wait(timeout=60), "the test never let the render go"
            if self.fail:
                raise RuntimeError("the render failed")

    def wait_entered(self, n=0):
        assert self.entered[n].wait(timeout=60), "the render never started"

    def release(self, n=0):
        self.go[n].set()


@pytest.fixture
def hold(pool):
    """Renders held until let go; all are let go when the test ends, before its threads are
    waited for."""
    holders = []

    def start(template_name, **options):
        holder = HeldRenders(template_name, **options)
        template_rendered.connect(holder)
        holders.append(holder)
        return holder

    yield start
    for holder in holders:
        for go in holder.go:
            go.set()
        template_rendered.disconnect(holder)


def publish_title(story, title):
    story.title = title
    story.save_revision().publish()


def text(response):
    return response.content.decode()


def readers_waiting_on_a_render(story, hold, pool, waiting):
    """A new title published, one reader's render of the story held, and WAITERS more readers
    waiting for it: (the held renders, the renderer's answer to come, the waiters')."""
    publish_title(story, "Conga mine suspended")
    renders = hold("news/news_page.html")
    renderer = pool.get(story.url)
    renders.wait_entered()
    waiters = [pool.get(story.url) for _ in range(WAITERS)]
    assert wait_until(lambda: waiting() == WAITERS, step=0.01)
    return renders, renderer, waiters


def test_readers_of_a_page_being_rendered_wait_for_it_and_it_is_rendered_once(
    story, hold, pool, waiting
):
    renders, renderer, waiters = readers_waiting_on_a_render(story, hold, pool, waiting)
    renders.release()

    first = renderer.result(timeout=60)
    assert first["X-Cache"] == "miss"
    for future in waiters:
        response = future.result(timeout=60)
        assert response.status_code == 200
        assert response["X-Cache"] == "wait"
        assert response.content == first.content
        assert "Conga mine suspended" in text(response)
    assert renders.count == 1
    assert Client().get(story.url)["X-Cache"] == "hit"


def test_a_waiter_never_takes_a_page_rendered_before_the_publication(
    story, redis_only, redis_server, hold, pool, waiting
):
    """A render of the old generation keeps its page under the same key while a reader who
    came after the publication waits for the new one: that reader waits on."""
    publish_title(story, "Conga mine suspended")
    renders = hold("news/news_page.html", held=2)
    before = pool.get(story.url)  # renders what the database holds before the next publication
    renders.wait_entered(0)
    publish_title(story, "Conga referendum set")
    after = pool.get(story.url)
    renders.wait_entered(1)
    waiter = pool.get(story.url)
    assert wait_until(lambda: waiting() == 1, step=0.01)

    renders.release(0)
    assert "Conga mine suspended" in text(before.result(timeout=60))
    # The waiter reads the cache again (the only one that does now) and finds that page there.
    reads = mget_calls(redis_server)
    assert wait_until(lambda: mget_calls(redis_server) >= reads + 2 or waiter.done(), step=0.01)
    assert not waiter.done()

    renders.release(1)
    assert "Conga referendum set" in text(after.result(timeout=60))
    response = waiter.result(timeout=60)
    assert response["X-Cache"] == "wait"
    assert "Conga referendum set" in text(response)
    assert "Conga mine suspended" not in text(response)
    assert renders.count == 2


def mget_calls(redis_server):
    return redis_server.client().info("commandstats").get("cmdstat_mget", {}).get("calls", 0)


def test_where_the_renderer_keeps_nothing_each_waiter_renders_the_page_itself(
    story, hold, pool, waiting
):
    renders = hold("404.html")
    renderer = pool.get("/no-such-page/")
    renders.wait_entered()
    waiters = [pool.get("/no-such-page/") for _ in range(WAITERS)]
    assert wait_until(lambda: waiting() == WAITERS, step=0.01)
    renders.release()
    for future in [renderer, *waiters]:
        response = future.result(timeout=60)
        assert response.status_code == 404
        assert "X-Cache" not in response
    assert renders.count == 1 + WAITERS


def test_a_render_that_fails_lets_the_waiters_render_the_page(
    story, redis_only, redis_server, hold, pool, waiting
):
    publish_title(story, "Conga mine suspended")
    renders = hold("news/news_page.html", fail=True)
    renderer = pool.get(story.url)
    renders.wait_entered()
    waiters = [pool.get(story.url) for _ in range(WAITERS)]
    assert wait_until(lambda: waiting() == WAITERS, step=0.01)
    renders.release()

    assert renderer.result(timeout=60).status_code == 500
    for future in waiters:
        response = future.result(timeout=60)
        assert response.status_code == 200
        assert "Conga mine suspended" in text(response)
    assert renders.count == 1 + WAITERS
    assert redis_server.client().keys("*render:*") == []  # no lock left behind
    assert Client().get(story.url)["X-Cache"] == "hit"


def test_a_waiter_renders_the_page_itself_when_the_render_takes_too_long(
    story, hold, pool, waiting, monkeypatch
):
    monkeypatch.setattr(page_cache_module, "WAIT_SECONDS", 0.2)
    publish_title(story, "Conga mine suspended")
    renders = hold("news/news_page.html")
    renderer = pool.get(story.url)
    renders.wait_entered()
    response = pool.get(story.url).result(timeout=60)  # while the first is still held
    assert waiting() == 1
    assert response.status_code == 200
    assert "Conga mine suspended" in text(response)
    renders.release()
    assert renderer.result(timeout=60).status_code == 200
    assert renders.count == 2


def test_with_the_cache_down_while_readers_wait_every_page_is_served_uncached(
    story, redis_only, redis_server, hold, pool, waiting
):
    renders, renderer, waiters = readers_waiting_on_a_render(story, hold, pool, waiting)
    redis_server.stop()
    renders.release()
    for future in [renderer, *waiters]:
        response = future.result(timeout=60)
        assert response.status_code == 200
        assert "X-Cache" not in response
        assert "Conga mine suspended" in text(response)
    assert renders.count == 1 + WAITERS


def test_turned_off_every_reader_renders_the_page(story, hold, pool, waiting, settings):
    settings.PAGE_CACHE_COALESCE = False
    publish_title(story, "Conga mine suspended")
    renders = hold("news/news_page.html", held=2)
    first, second = pool.get(story.url), pool.get(story.url)
    renders.wait_entered(0)
    renders.wait_entered(1)  # both inside the render at once
    renders.release(0)
    renders.release(1)
    assert {first.result(timeout=60)["X-Cache"], second.result(timeout=60)["X-Cache"]} == {"miss"}
    assert waiting() == 0
