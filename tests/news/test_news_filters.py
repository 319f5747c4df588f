"""The news by topic, kind and year: each its own address, heading and canonical link."""

import datetime

import pytest

from tests.factories import NewsPageFactory


def html_of(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, url
    return response.content.decode()


@pytest.mark.django_db
class TestFilters:
    def test_a_topic_has_its_own_page_heading_and_canonical_url(self, client, news):
        html = html_of(client, "/news/topic/mining/")
        assert "<h1>Topic: Mining</h1>" in html
        assert "Conga mine" in html
        assert "Briefing on land titles" not in html and "Annual conference" not in html
        assert '<link rel="canonical" href="http://localhost/news/topic/mining/">' in html

    def test_briefings_show_their_numbers_and_pdfs(self, client, news):
        html = html_of(client, "/news/kind/briefings/")
        assert "<h1>Briefings</h1>" in html
        assert '<span class="tag">Briefing 12</span>' in html
        assert "download>Download briefing 12 (PDF)</a>" in html
        assert "Conga mine" not in html

    def test_events_and_plain_news_each_have_a_listing(self, client, news):
        events = html_of(client, "/news/kind/events/")
        assert "Annual conference" in events and "Conga mine" not in events
        # Announced in 2012 without a date: its date was never confirmed, and the date it
        # was announced is labelled as such (never shown as the event's own).
        item = events[events.index('<article class="news-item">') :]
        item = item[: item.index("</article>")]
        assert "Date never confirmed" in item
        assert 'Announced <time datetime="2012-11-01">1 November 2012</time>' in item
        assert item.count("<time") == 1
        plain = html_of(client, "/news/kind/news/")
        assert "Conga mine" in plain
        assert "Annual conference" not in plain and "Briefing on land titles" not in plain

    def test_a_year_lists_that_year_only(self, client, news):
        html = html_of(client, "/news/2012/")
        assert "<h1>News from 2012</h1>" in html
        assert "Briefing on land titles" in html and "Annual conference" in html
        assert "Conga mine" not in html

    def test_the_index_offers_every_filter(self, client, news):
        html = html_of(client, "/news/")
        for link in ("/news/kind/briefings/", "/news/topic/mining/", "/news/2013/", "/news/2012/"):
            assert f'href="{link}"' in html
        assert '<a href="/news/" aria-current="page">Everything</a>' in html

    @pytest.mark.parametrize(
        "url",
        [
            "/news/topic/no-such-topic/",
            "/news/kind/rumours/",
            "/news/1999/",
            "/news/99999999999999999999/",
            "/news/topic/%3Cscript%3E/",
        ],
    )
    def test_an_unknown_filter_is_a_404(self, client, news, url):
        assert "Page not found" in html_of(client, url, status=404)

    def test_a_topic_without_live_items_is_a_404(self, client, news_index):
        draft = NewsPageFactory(parent=news_index)
        draft.topics.add("Secret")
        draft.save_revision().publish()
        draft.unpublish()
        html_of(client, "/news/topic/secret/", status=404)

    def test_filters_paginate_with_their_own_canonical_urls(self, client, news_index):
        for day in range(1, 13):
            item = NewsPageFactory(parent=news_index, date=datetime.date(2013, 1, day))
            item.topics.add("Trade")
            item.save_revision().publish()
        second = html_of(client, "/news/topic/trade/?page=2")
        assert "Page 2 of 2" in second
        assert '<link rel="canonical" href="http://localhost/news/topic/trade/?page=2">' in second
        for bad in ("abc", "0", "-1", "99999"):
            assert "Page " in html_of(client, f"/news/topic/trade/?page={bad}")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url, text",
    [
        ("/news/", "There is no news yet."),
        ("/news/kind/news/", "No news items yet."),
        ("/news/kind/briefings/", "No briefings yet."),
        ("/news/kind/events/", "No events yet."),
    ],
)
def test_an_empty_listing_says_what_it_lists(client, news_index, url, text):
    html = html_of(client, url)
    main = html[html.index("<main") :]
    assert f"<p>{text}</p>" in main
    assert "There is no news yet." not in main or url == "/news/"


@pytest.mark.django_db
def test_the_news_listings_older_and_newer_links_stay(client, news_index):
    for day in range(1, 13):
        NewsPageFactory(parent=news_index, date=datetime.date(2013, 1, day))
    assert 'rel="next">Older<span class="visually-hidden"> items</span></a>' in html_of(
        client, "/news/"
    )
