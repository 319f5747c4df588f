"""Uncached, every page of the news costs as many queries with twenty items as with five (two
pages of the news, two years of the archive), and a deep page of a listing little more
than its first."""

import datetime

import pytest

from django.utils import timezone

from tests.conftest import in_spanish
from tests.factories import (
    BriefingPageFactory,
    EventPageFactory,
    ImageFactory,
    JoinPageFactory,
    NewsPageFactory,
)
from tests.query_counts import (
    SHARED_TOPIC,
    add_news,
    counts_for,
    queries_for,
    rendered_queries_for,
)

TOPIC = f"/news/topic/{SHARED_TOPIC.lower().replace(' ', '-')}/"


def news_urls(first_items):
    """Every listing, feed and calendar of the news, and a page of each kind of item."""
    news, briefing, past_event, upcoming_event, unconfirmed_event = first_items
    return [
        "/news/",
        TOPIC,
        "/news/topic/topic-0/",
        "/news/kind/news/",
        "/news/kind/briefings/",
        "/news/kind/events/",
        "/news/2012/",
        news.url,
        briefing.url,
        past_event.url,
        upcoming_event.url,
        unconfirmed_event.url,
        f"{past_event.url}calendar/",
        "/news/events/",
        "/news/events/past/",
        "/news/events/calendar/",
        *(
            f"{listing}feed/{feed_format}/"
            for listing in ("/news/", TOPIC, "/news/kind/news/", "/news/kind/briefings/")
            for feed_format in ("rss", "atom")
        ),
        "/news/kind/events/feed/rss/",
    ]


@pytest.mark.django_db
def test_queries_do_not_grow_with_the_archive(client, news_index):
    urls = news_urls(add_news(news_index, 5))
    with_five = counts_for(client, urls)
    add_news(news_index, 15)
    assert counts_for(client, urls) == with_five


# Each listing's first page, and its last with 36 items (12 past events: two pages of them).
DEEP_PAGES = [
    ("/news/", "/news/?page=4"),
    ("/news/events/past/", "/news/events/past/?page=2"),
    ("/news/kind/events/", "/news/kind/events/?page=3"),
    (TOPIC, f"{TOPIC}?page=4"),
]


@pytest.mark.django_db
def test_a_deep_page_costs_at_most_half_as_much_again_as_the_first(client, news_index):
    add_news(news_index, 36)
    for first, deep in DEEP_PAGES:
        last = deep.rsplit("=", 1)[1]
        assert f"Page {last} of {last}" in client.get(deep).content.decode(), deep
        assert queries_for(client, deep) <= 1.5 * queries_for(client, first), deep


@pytest.mark.django_db
def test_an_article_costs_as_much_with_a_dozen_topics_as_with_two(client, home, news_index):
    """Topic links, related stories (by shared topics), share links and the join prompt."""
    JoinPageFactory(parent=home)
    items = add_news(news_index, 10)
    urls = [items[0].url, items[3].url]  # a news item and an event
    assert "Related stories" in client.get(urls[0]).content.decode()
    with_two = counts_for(client, urls)
    for item in items:
        item.topics.add(*(f"Extra topic {n}" for n in range(10)))
        item.save_revision().publish()
    assert len(client.get(urls[0]).context["extras"]["topics"]) == 12
    assert counts_for(client, urls) == with_two


def article(factory, index, n, **fields):
    """A news item, briefing or event like most: a heading, a paragraph with a link, an image
    and a quote (each other kind of block loads what it refers to in a query more), and two
    topics."""
    page = factory(
        parent=index,
        title=f"Article {n}",
        slug=f"article-{n}",
        listing_image=ImageFactory(),
        body=[
            {"type": "heading", "value": {"text": "What happened", "level": "h2"}},
            {"type": "paragraph", "value": '<p>See <a href="https://example.org">this</a>.</p>'},
            {
                "type": "image",
                "value": {"image": ImageFactory().pk, "alt_text": "", "caption": "", "credit": ""},
            },
            {"type": "quote", "value": {"quote": "We will stay", "attribution": "A farmer"}},
        ],
        **fields,
    )
    page.topics.add(SHARED_TOPIC, "Mining")
    page.save_revision().publish()
    return page


@pytest.mark.django_db
def test_each_page_of_the_news_keeps_to_its_query_budget(client, home, news_index, spanish_home):
    """Rendered afresh, a news item, a briefing or an event in at most 10 queries, a listing in
    at most 12, with the frame every page has (menu, join page, feed, settings, the link to the
    page in the other language), in English and in Spanish."""
    join = JoinPageFactory(parent=home, show_in_menus=True)
    items = add_news(news_index, 12)
    soon = timezone.now() + datetime.timedelta(days=3)
    articles = [
        article(NewsPageFactory, news_index, 1),
        article(BriefingPageFactory, news_index, 2, issue_number=200),
        article(EventPageFactory, news_index, 3, start=soon, location="Lima"),
    ]
    in_spanish(join, title="Hágase miembro", slug="hagase-miembro")
    in_spanish(news_index, title="Noticias", slug="noticias")
    spanish = [in_spanish(page, slug=f"{page.slug}-es") for page in [*items, *articles]]
    budgets = {
        **{page.url: 10 for page in [*articles, *spanish[-3:]]},
        **{
            f"{index}{listing}": 12
            for index in ("/news/", "/es/noticias/")
            for listing in ("", "?page=2", TOPIC.removeprefix("/news/"), "kind/briefings/", "2012/")
        },
    }
    assert "Español" in client.get(articles[0].url).text
    assert "English" in client.get(spanish[-1].url).text
    counts = {url: rendered_queries_for(client, url) for url in budgets}
    assert {url: min(count, budgets[url]) for url, count in counts.items()} == counts
