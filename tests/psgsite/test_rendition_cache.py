"""psgsite/rendition_cache.py: a rendition found in the cache is used as it is and not written
back; a new one is kept. In this process's memory and in Redis, as `make run` and production
keep them."""

import pytest

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext

from wagtail.images.models import Image

from home.blocks import BaseStreamBlock
from psgsite.rendition_cache import FoundNotWrittenBack
from tests.factories import AboutPageFactory, ImageFactory
from tests.psgsite.conftest import REDIS_URLS

IMAGE_BLOCK = BaseStreamBlock().child_blocks["image"]
BACKENDS = {
    "local memory": {
        "BACKEND": "psgsite.rendition_cache.LocMemRenditionCache",
        "LOCATION": "renditions",
    },
    "redis": {
        "BACKEND": "psgsite.rendition_cache.RedisRenditionCache",
        "LOCATION": REDIS_URLS[connection.vendor],
    },
}


@pytest.fixture(params=BACKENDS)
def written(request, settings, monkeypatch):
    """The keys written to the renditions cache, as they reach the cache itself."""
    settings.CACHES = {**settings.CACHES, "renditions": BACKENDS[request.param]}
    cache = caches["renditions"]
    cache.clear()
    order = type(cache).__mro__
    below = order[order.index(FoundNotWrittenBack) + 1]
    keys = []

    def recorded(name):
        original = getattr(below, name)

        def write(self, *args, **kwargs):
            keys.extend(args[0] if name == "set_many" else [args[0]])
            return original(self, *args, **kwargs)

        return write

    for name in ("set", "set_many"):
        monkeypatch.setattr(below, name, recorded(name))
    yield keys
    cache.clear()


def render_image_block(image):
    value = {"image": image.pk, "alt_text": "", "caption": "Cajamarca", "credit": ""}
    return IMAGE_BLOCK.render(IMAGE_BLOCK.to_python(value))


def rendition_queries(queries):
    return [query for query in queries if "wagtailimages_rendition" in query["sql"]]


@pytest.mark.django_db
def test_an_image_blocks_renditions_are_kept_once_and_then_only_read(written):
    image = ImageFactory(file__width=2000, file__height=1000)
    first = render_image_block(image)
    assert len(set(written)) == 6  # two formats at three widths
    written.clear()

    with CaptureQueriesContext(connection) as queries:
        again = render_image_block(image)
    assert again == first
    assert "width-800.webp 800w" in again
    assert rendition_queries(queries.captured_queries) == []
    assert written == []


@pytest.mark.django_db
def test_a_single_rendition_is_kept_once_and_then_only_read(written):
    image = ImageFactory(file__width=2000, file__height=1000)
    url = image.get_rendition("width-400").url
    assert len(written) == 1
    written.clear()

    with CaptureQueriesContext(connection) as queries:
        found = Image.objects.get(pk=image.pk).get_rendition("width-400")
    assert found.url == url
    assert rendition_queries(queries.captured_queries) == []
    assert written == []


@pytest.mark.django_db
def test_a_rendition_read_from_the_database_is_kept_for_next_time(written):
    image = ImageFactory(file__width=2000, file__height=1000)
    image.get_rendition("width-400")
    caches["renditions"].clear()
    written.clear()

    Image.objects.get(pk=image.pk).get_rendition("width-400")
    assert len(written) == 1
    with CaptureQueriesContext(connection) as queries:
        Image.objects.get(pk=image.pk).get_rendition("width-400")
    assert rendition_queries(queries.captured_queries) == []


@pytest.fixture
def kept_in_redis(settings, transactional_db):
    """Renditions in Redis, as production keeps them, and what pages read once a generation
    kept in this process (home/visibility.py), with the page cache off."""
    settings.CACHES = {**settings.CACHES, "renditions": BACKENDS["redis"]}
    settings.PAGE_CACHE_SECONDS = 0
    settings.PAGE_DATA_KEPT = True
    caches["renditions"].clear()
    yield
    caches["renditions"].clear()


def test_a_pages_renditions_are_kept_in_the_process_until_the_content_changes(
    client, kept_in_redis, home
):
    image = ImageFactory(file__width=2000, file__height=1000)
    value = {"image": image.pk, "alt_text": "", "caption": "Cajamarca", "credit": ""}
    page = AboutPageFactory(parent=home, slug="about", body=[{"type": "image", "value": value}])

    def rendition_queries_of_a_visit():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(page.url)
        assert "width-800.webp 800w" in response.text
        return rendition_queries(queries.captured_queries)

    assert rendition_queries_of_a_visit() != []  # made, and written to Redis
    assert rendition_queries_of_a_visit() == []  # found in Redis
    caches["renditions"].clear()  # Redis forgets them; the process has them still
    assert rendition_queries_of_a_visit() == []
    AboutPageFactory(parent=home, slug="campaigns")  # a change: a new generation
    caches["renditions"].clear()
    assert rendition_queries_of_a_visit() != []
