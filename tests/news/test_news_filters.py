"""The news by topic, kind and year: each its own address, heading and canonical link."""

import datetime
import re

import pytest

from wagtail.models import PageViewRestriction

from tests.factories import EventPageFactory, NewsPageFactory


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

    def test_the_years_offered_are_those_of_live_public_items_newest_first(
        self, client, news_index
    ):
        # A year's first and last days, years apart and years in a row, an event's year.
        for day in ("2019-12-31", "2019-01-01", "2016-01-01", "2015-12-31", "1999-07-04"):
            NewsPageFactory(parent=news_index, date=datetime.date.fromisoformat(day))
        EventPageFactory(parent=news_index, date=datetime.date(2017, 6, 15))
        # Nor a year whose only item is a draft, or in a private section.
        NewsPageFactory(parent=news_index, date=datetime.date(2018, 5, 1)).unpublish()
        private = NewsPageFactory(parent=news_index, date=datetime.date(2014, 5, 1))
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        years = ["2019", "2017", "2016", "2015", "1999"]
        # The filters come twice: above the list on small screens, beside it on wide ones.
        links = re.findall(r'href="/news/([0-9]+)/"', html_of(client, "/news/"))
        assert links == years * 2
        for year in years:
            assert f"<h1>News from {year}</h1>" in html_of(client, f"/news/{year}/")
        for year in ("2018", "2014", "2020", "1998"):
            html_of(client, f"/news/{year}/", status=404)

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
