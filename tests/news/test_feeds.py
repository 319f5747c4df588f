"""RSS and Atom feeds, read back with a real feed parser."""

import datetime
import time

import feedparser
import pytest

from tests.factories import NewsPageFactory


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return response, feed


@pytest.mark.django_db
class TestFeeds:
    @pytest.mark.parametrize("feed_format, version", [("rss", "rss20"), ("atom", "atom10")])
    def test_all_the_news_newest_first_with_their_own_dates(
        self, client, news, feed_format, version
    ):
        response, feed = parse(client, f"/news/feed/{feed_format}/")
        assert feed.version == version
        assert response["Content-Type"].startswith(("application/rss+xml", "application/atom+xml"))
        assert feed.feed.title == "News | Peru Support Group"
        titles = [entry.title for entry in feed.entries]
        assert titles == [
            "Conga mine",
            "Event: Annual conference",
            "Briefing 12: Briefing on land titles",
        ]
        first = feed.entries[0]
        assert first.link == "http://localhost/news/conga-mine/"
        assert first.summary == "Summary of Conga mine."
        published = first.get("published_parsed") or first.get("updated_parsed")
        assert time.strftime("%Y-%m-%d", published) == "2013-03-08"
        assert [tag.term for tag in first.tags] == ["Mining"]

    def test_a_topic_and_the_briefings_have_feeds_of_their_own(self, client, news):
        _, topic = parse(client, "/news/topic/mining/feed/rss/")
        assert [entry.title for entry in topic.entries] == ["Conga mine"]
        assert topic.feed.title == "Topic: Mining | Peru Support Group"
        _, briefings = parse(client, "/news/kind/briefings/feed/atom/")
        assert [entry.title for entry in briefings.entries] == [
            "Briefing 12: Briefing on land titles"
        ]

    def test_drafts_stay_out_and_the_feed_is_bounded(self, client, news_index):
        for day in range(1, 26):
            NewsPageFactory(parent=news_index, date=datetime.date(2013, 1, day))
        draft = NewsPageFactory(parent=news_index, title="Draft", date=datetime.date(2014, 1, 1))
        draft.unpublish()
        _, feed = parse(client, "/news/feed/rss/")
        assert len(feed.entries) == 20
        assert "Draft" not in [entry.title for entry in feed.entries]

    @pytest.mark.parametrize(
        "url", ["/news/feed/xml/", "/news/topic/nothing/feed/rss/", "/news/kind/rumours/feed/rss/"]
    )
    def test_an_unknown_feed_is_a_404(self, client, news, url):
        assert client.get(url).status_code == 404

    def test_pages_announce_their_feeds(self, client, news, home):
        for url, title in [
            ("/", "News (RSS)"),
            ("/news/", "News (RSS)"),
            ("/news/topic/mining/", "Topic: Mining (RSS)"),
            ("/news/kind/briefings/", "Briefings (Atom)"),
        ]:
            html = client.get(url).content.decode()
            head = html[: html.index("</head>")]
            assert 'rel="alternate" type="application/' in head, url
            assert f'title="{title}"' in head, url
