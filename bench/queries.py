"""Database queries per request, counted in this process with Django's test client under the
same settings, database and cache as the server: uncached with the page cache off, then cached
(the second request of a URL), then uncached again with only a tenth of the items published,
which shows whether a page's queries grow with the archive. Run by `bench/in_django.py count`."""

import re
import sys
from urllib.parse import urlencode, urlsplit

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench import corpus
from news.models import EventPage, NewsIndexPage, NewsItemPage, NewsPage

TOPIC = "mining"
DEEP_PAGE = 500
SMALL_SHARE = 10  # the smaller archive keeps a tenth of the items


def urls(get):
    """What the benchmark requests (label -> the paths it cycles through), and the ids of the
    news item and event among them."""
    news = NewsIndexPage.objects.get().url
    item = typical_news_item()
    event = EventPage.objects.live().upcoming().exclude(start=None).first()
    paths = {
        "home": ["/"],
        "index": [news],
        "deep": [f"{news}?page={DEEP_PAGE}"],
        "topic": [f"{news}topic/{TOPIC}/"],
        "item": [item.url],
        "event": [event.url],
        "search": [f"/search/?{urlencode({'q': query})}" for query in corpus.SEARCHES],
        "rss": [f"{news}feed/rss/"],
        "sitemap": ["/sitemap.xml"],
    }
    sections = sitemap_sections(get)
    if sections:
        paths["sitemap_sections"] = sections
    return paths, [item.pk, event.pk]


def sitemap_sections(get):
    """The sections that /sitemap.xml lists, where it is a sitemap index."""
    content = get("/sitemap.xml")[1].content.decode()
    if "<sitemapindex" not in content:
        return []
    addresses = [urlsplit(url) for url in re.findall(r"<loc>([^<]+)</loc>", content)]
    return [url.path + (f"?{url.query}" if url.query else "") for url in addresses]


def typical_news_item():
    """The news item halfway through the archive, or the first after it with an image."""
    items = NewsPage.objects.live().filter(is_briefing=False).order_by("-date", "-pk")
    middle = items.count() // 2
    for page in items[middle : middle + 20]:
        if any(block.block_type == "image" for block in page.body):
            return page
    return items[middle]


def count(host, probe_dir):
    """The counts and response sizes of every URL. The news item's page, and the largest
    response, are written into probe_dir, to be served as static files of the same sizes."""
    client_headers = {"host": host, "x-forwarded-proto": "https"}

    def get(path):
        # A new client each time: no cookie carried over, as for a first-time reader.
        with CaptureQueriesContext(connection) as queries:
            response = Client(headers=client_headers).get(path)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}: the benchmark needs 200")
        return len(queries), response

    with override_settings(PAGE_CACHE_SECONDS=0):
        targets, measured = urls(get)
        result = {"urls": targets, "cold": {}, "warm": {}, "warm_cache": {}, "sizes": {}}
        for paths in targets.values():
            for path in paths:
                get(path)  # renditions made, Wagtail's own caches filled
        for label, paths in targets.items():
            counts = [get(path)[0] for path in paths]
            result["cold"][label] = max(counts)
            result["sizes"][label] = len(get(paths[0])[1].content)
        largest = max(result["sizes"], key=result["sizes"].get)
        result["probes"] = {"static": "item.html", "static_large": f"{largest}.html"}
        (probe_dir / "item.html").write_bytes(get(targets["item"][0])[1].content)
        (probe_dir / f"{largest}.html").write_bytes(get(targets[largest][0])[1].content)
        result["largest"] = largest

    for label, paths in targets.items():
        get(paths[0])
        queries, response = get(paths[0])
        result["warm"][label] = queries
        result["warm_cache"][label] = response.headers.get("X-Cache")

    result["items"] = NewsItemPage.objects.live().count()
    result["cold_small"], result["small_items"] = count_small_archive(targets, measured, get)
    return result


def count_small_archive(targets, measured, get):
    """The uncached counts with only the newest tenth of the items left published (and the
    item and event the benchmark requests), in a transaction that is rolled back. The first
    page of each listing shows the same items as with the whole archive, so that only the
    archive's size differs."""
    with transaction.atomic(), override_settings(PAGE_CACHE_SECONDS=0):
        live = NewsItemPage.objects.live()
        newest = live.order_by("-date", "-pk").values_list("pk", flat=True)
        kept = {*measured, *newest[: live.count() // SMALL_SHARE]}
        live.exclude(pk__in=kept).update(live=False)
        small_items = NewsItemPage.objects.live().count()
        counts = {}
        if "sitemap_sections" in targets:
            # Fewer sections list fewer pages.
            targets = {**targets, "sitemap_sections": sitemap_sections(get)}
        for label, paths in targets.items():
            for path in paths:
                get(path)
            counts[label] = max(get(path)[0] for path in paths)
        transaction.set_rollback(True)
    return counts, small_items
