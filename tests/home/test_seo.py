"""What search engines and social sites read: descriptions, canonical links, Open Graph and
Twitter tags, and JSON-LD structured data."""

import datetime
import json
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from tests.factories import EventPageFactory, ImageFactory, NewsPageFactory


class Head(HTMLParser):
    """The <head> as a reader would parse it: meta tags, links and JSON-LD scripts."""

    def __init__(self, html):
        super().__init__()
        self.meta, self.links, self.json_ld, self._in_ld = {}, {}, [], False
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("name" in attrs or "property" in attrs):
            self.meta[attrs.get("name") or attrs["property"]] = attrs["content"]
        elif tag == "link":
            self.links.setdefault(attrs["rel"], attrs["href"])
        self._in_ld = tag == "script" and attrs.get("type") == "application/ld+json"

    def handle_data(self, data):
        if self._in_ld:
            self.json_ld.append(json.loads(data))
            self._in_ld = False


def head(client, url):
    response = client.get(url)
    assert response.status_code == 200
    return Head(response.content.decode())


@pytest.mark.django_db
def test_a_news_item_is_a_news_article(client, news_index):
    image = ImageFactory(width=1600, height=900)
    page = NewsPageFactory(
        parent=news_index,
        title="Conga referendum blocked",
        date=datetime.date(2013, 3, 8),
        summary="Authorities have rejected a referendum.",
        listing_image=image,
    )
    tags = head(client, page.url)
    assert tags.meta["description"] == "Authorities have rejected a referendum."
    assert tags.links["canonical"] == "http://localhost/news/conga-referendum-blocked/"
    assert tags.meta["og:type"] == "article"
    assert tags.meta["og:title"] == "Conga referendum blocked"
    assert tags.meta["og:url"] == tags.links["canonical"]
    assert tags.meta["og:image"].startswith("http://localhost/media/images/")
    assert tags.meta["twitter:card"] == "summary_large_image"
    (article,) = tags.json_ld
    assert article["@type"] == "NewsArticle"
    assert article["headline"] == "Conga referendum blocked"
    assert article["datePublished"] == "2013-03-08"
    assert article["publisher"]["name"] == "Peru Support Group"
    assert article["image"] == [tags.meta["og:image"]]


@pytest.mark.django_db
def test_a_dated_event_is_an_event_and_an_undated_one_claims_no_date(client, news_index):
    event = EventPageFactory(
        parent=news_index,
        title="Talk on mining",
        start=datetime.datetime(2027, 7, 1, 18, 30, tzinfo=ZoneInfo("Europe/London")),
        location="London",
    )
    (data,) = head(client, event.url).json_ld
    assert data["@type"] == "Event"
    assert data["startDate"] == "2027-07-01T18:30:00+01:00"
    assert data["location"] == {"@type": "Place", "name": "London", "address": "London"}
    assert data["eventAttendanceMode"] == "https://schema.org/OfflineEventAttendanceMode"
    undated = EventPageFactory(parent=news_index, title="Conference", start=None)
    assert head(client, undated.url).json_ld == []


@pytest.mark.django_db
def test_the_home_page_describes_the_organisation(client, home):
    home.intro = "Human rights in Peru."
    home.save_revision().publish()
    tags = head(client, "/")
    assert tags.meta["description"] == "Human rights in Peru."
    assert tags.meta["twitter:card"] == "summary"
    (organisation,) = tags.json_ld
    assert organisation["@type"] == "Organization"
    assert organisation["name"] == "Peru Support Group"
    assert organisation["url"] == "http://localhost/"


@pytest.mark.django_db
def test_structured_data_cannot_break_out_of_its_script(client, news_index):
    page = NewsPageFactory(parent=news_index, title="</script><script>alert(1)</script>")
    html = client.get(page.url).content.decode()
    assert "<script>alert(1)" not in html
    (article,) = Head(html).json_ld
    assert article["headline"] == "</script><script>alert(1)</script>"
