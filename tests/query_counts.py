"""The database queries of an uncached request, and a news archive of any size to count them
against: each item with topics, a listing image and a body of its own, so that a query made
once per item shows as a count that grows with the archive."""

import datetime

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext, override_settings
from django.utils import timezone

from tests.factories import (
    BriefingPageFactory,
    DocumentFactory,
    EventPageFactory,
    ImageFactory,
    NewsPageFactory,
    cached_embed,
)

# Every kind of item in turn, so that five items hold one of each and every page of a listing
# holds them all; past events come twice, so that thirty-six items give two pages of them.
KINDS = ("news", "briefing", "past event", "upcoming event", "unconfirmed event", "past event")
# A topic every item carries, so that its listing pages as deep as the news index.
SHARED_TOPIC = "Human rights"


@override_settings(PAGE_CACHE_SECONDS=0)
def queries_for(client, url):
    """The number of queries that a GET of url makes, uncached. A first request does what is
    done once (storing the default site settings, making image renditions); the caches are then
    emptied, so that none hides a query (Wagtail's renditions and site root paths too)."""
    client.get(url)
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


@override_settings(PAGE_CACHE_SECONDS=0)
def rendered_queries_for(client, url):
    """The number of queries that a GET of url makes rendered afresh, as it is for an editor or
    after a publication: without the page cache, but with what other caches keep between
    requests (image renditions, the sites' root paths), as `make bench` counts them."""
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(queries)


def counts_for(client, urls):
    """{url: its number of queries}, which a failing comparison shows side by side."""
    return {url: queries_for(client, url) for url in urls}


def add_news(index, count):
    """count more items in the news index, each with its own topic, listing image, body image,
    documents, embed and links, and the shared topic; returns the items added."""
    start = index.get_children().count()
    return [_add_item(index, n) for n in range(start, start + count)]


def _add_item(index, n):
    kind = KINDS[n % len(KINDS)]
    fields = {
        "parent": index,
        "title": f"{kind.capitalize()} {n}",
        "slug": f"{kind.replace(' ', '-')}-{n}",
        # A month apart, so that the archive spans several years.
        "date": datetime.date(2012, 1, 1) + datetime.timedelta(days=30 * n),
        "summary": f"The summary of {kind} {n}.",
        "listing_image": ImageFactory(title=f"Listing image {n}"),
        "body": _body(n, index),
    }
    if kind.endswith("event"):
        start = None
        if kind == "past event":
            start = timezone.now() - datetime.timedelta(days=n + 1)
        elif kind == "upcoming event":
            start = timezone.now() + datetime.timedelta(days=n + 1)
        else:
            # Announced lately: still to be confirmed (EventQuerySet.upcoming), not yet past.
            fields["date"] = timezone.localdate() - datetime.timedelta(days=n)
        item = EventPageFactory(
            **fields,
            start=start,
            end=start + datetime.timedelta(hours=2) if start else None,
            location=f"Hall {n}, London",
            online_url=f"https://example.org/live/{n}",
        )
    elif kind == "briefing":
        item = BriefingPageFactory(
            **fields, issue_number=n, briefing_document=DocumentFactory(title=f"Briefing {n}")
        )
    else:
        item = NewsPageFactory(**fields)
    item.topics.add(SHARED_TOPIC, f"Topic {n}")
    item.save_revision().publish()
    return item


def _body(n, index):
    document = DocumentFactory(title=f"Report {n}")
    linked = DocumentFactory(title=f"Annex {n}")
    video = f"https://www.youtube.com/watch?v=video{n}"
    cached_embed(video, f'<iframe title="Video {n}" src="https://www.youtube.com/embed/{n}">')
    return [
        {"type": "heading", "value": {"text": f"Section {n}", "level": "h2"}},
        {
            "type": "paragraph",
            "value": f'<p>Quinoa and water. See <a linktype="document" id="{linked.pk}">the '
            f'annex</a> and <a href="https://example.org/{n}">the source</a>.</p>',
        },
        {
            "type": "image",
            "value": {
                "image": ImageFactory(title=f"Body image {n}").pk,
                "alt_text": "",
                "caption": f"Caption {n}",
                "credit": "PSG",
            },
        },
        {"type": "document", "value": {"document": document.pk, "title": "", "description": ""}},
        {"type": "embed", "value": video},
        {"type": "quote", "value": {"quote": f"Quote {n}", "attribution": "A farmer"}},
        {
            "type": "call_to_action",
            "value": {
                "heading": "Support our work",
                "text": "",
                "button_label": "Read more",
                "page": index.pk,
                "link_url": "",
            },
        },
    ]
