"""Database queries per request, counted in this process with Django's test client under the
same settings, database and cache as the server: uncached with the page cache off, then cached
(the second request of a URL), then uncached again with only a tenth of the archive, which
shows whether a page's queries grow with it. The listings' time is measured here too, at both
sizes, as the median of several requests. Run by `bench/in_django.py count`."""

import re
import statistics
import sys
import time
from urllib.parse import urlencode, urlsplit

from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, override_settings

from bench import corpus
from home.visibility import forget_kept
from news.models import EventPage, NewsIndexPage, NewsItemPage, NewsPage

TOPIC = "mining"
DEEP_PAGE = 500
SMALL_SHARE = 10  # the smaller archive keeps a tenth of the items
# The listings whose time must not grow with the archive, each timed over this many requests.
LISTINGS = ("index", "topic", "year")
TIMED_REQUESTS = 15


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
        "year": [f"{news}{item.date.year}/"],
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
    # One client: a new one loads every middleware again on its first request (whitenoise
    # scans the static files), which a server does once.
    client = Client(headers={"host": host, "x-forwarded-proto": "https"})

    def get(path, kept=False):
        # Rendered as after a change, with nothing yet read once a generation
        # (home/visibility.py), unless kept: the most the page asks of the database.
        if not kept:
            forget_kept()
        # No cookie carried over, as for a first-time reader.
        client.cookies.clear()
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
        if response.status_code != 200:
            sys.exit(f"{path} answered {response.status_code}: the benchmark needs 200")
        return len(queries), response

    with override_settings(PAGE_CACHE_SECONDS=0):
        targets, measured = urls(get)
        result = {"urls": targets, "cold": {}, "warm": {}, "warm_cache": {}, "sizes": {}}
        for paths in targets.values():
            for path in paths:
                get(path)  # renditions made, Wagtail's own caches filled
        result["cold_kept"] = {}
        for label, paths in targets.items():
            counts = [get(path)[0] for path in paths]
            result["cold"][label] = max(counts)
            result["cold_kept"][label] = max(get(path, kept=True)[0] for path in paths)
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
    with override_settings(PAGE_CACHE_SECONDS=0):
        result["listing_ms"] = {label: median_ms(targets[label][0], get) for label in LISTINGS}
    small = count_small_archive(targets, measured, get)
    result["cold_small"], result["small_items"], result["listing_ms_small"] = small
    return result


def median_ms(path, get):
    """The median time of TIMED_REQUESTS uncached requests of path, in milliseconds, each as
    after a change: its count and years read afresh."""
    get(path)
    times = []
    for _ in range(TIMED_REQUESTS):
        started = time.perf_counter()
        get(path)
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times)


def count_small_archive(targets, measured, get):
    """The uncached counts, and the listings' times, with only the newest tenth of the items
    (and the item and event the benchmark requests), in a transaction that is rolled back. The
    others are deleted, not unpublished, so that no query reads past them: the rows of their
    pages, items, topics and search index entries go (the foreign keys that still point at them,
    from revisions and the like, are checked only at a commit that never comes), and the
    tables' statistics are gathered again. Each year keeps its newest tenth, as an archive of a
    tenth the size over the same years would have it, so that the first page of the news index
    and of the measured year shows the same items as with the whole archive (a topic's, nearly
    the same), and only the archive's size differs."""
    with transaction.atomic(), override_settings(PAGE_CACHE_SECONDS=0):
        kept = {*measured, *newest_of_each_year(SMALL_SHARE)}
        gone = list(NewsItemPage.objects.exclude(pk__in=kept).values_list("pk", flat=True))
        delete_rows(gone)
        small_items = NewsItemPage.objects.live().count()
        counts = {}
        if "sitemap_sections" in targets:
            # Fewer sections list fewer pages.
            targets = {**targets, "sitemap_sections": sitemap_sections(get)}
        for label, paths in targets.items():
            for path in paths:
                get(path)
            counts[label] = max(get(path)[0] for path in paths)
        listing_ms = {label: median_ms(targets[label][0], get) for label in LISTINGS}
        transaction.set_rollback(True)
    return counts, small_items, listing_ms


def newest_of_each_year(share):
    """The ids of the newest 1/share of each year's live items (at least one a year)."""
    by_year = {}
    for pk, date in NewsItemPage.objects.live().order_by("-date", "-pk").values_list("pk", "date"):
        by_year.setdefault(date.year, []).append(pk)
    return [pk for ids in by_year.values() for pk in ids[: max(1, len(ids) // share)]]


def delete_rows(page_ids):
    """Deletes the pages' rows from the tables that pages are read from, within the current
    transaction (PostgreSQL checks foreign keys at its commit)."""
    ids = [str(pk) for pk in page_ids]  # the search index keeps them as text
    tables = [
        ("news_newsitemtopic", "content_object_id"),
        ("news_briefingpage", "newspage_ptr_id"),
        ("news_newspage", "newsitempage_ptr_id"),
        ("news_eventpage", "newsitempage_ptr_id"),
        ("news_newsitempage", "page_ptr_id"),
        ("wagtailcore_page", "id"),
    ]
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM wagtailsearch_indexentry WHERE object_id = ANY(%s) AND content_type_id"
            " IN (SELECT id FROM django_content_type WHERE app_label IN ('news', 'wagtailcore'))",
            [ids],
        )
        for table, column in tables:
            cursor.execute(f"DELETE FROM {table} WHERE {column} = ANY(%s)", [page_ids])  # noqa: S608
        cursor.execute("ANALYZE news_newsitempage, news_newsitemtopic, wagtailcore_page")
