"""What search engines and social sites read: descriptions, canonical links, Open Graph and
Twitter tags, and JSON-LD structured data."""

import datetime
import json
from html.parser import HTMLParser
from zoneinfo import ZoneInfo

import pytest

from django.core.files.uploadedfile import SimpleUploadedFile

from wagtail.images import get_image_model
from wagtail.models import Collection, Site

from home.models import SiteSettings
from tests.conftest import load_site_content
from tests.factories import EventPageFactory, ImageFactory, NewsPageFactory
from tests.home.test_identity import LOGO_SVG


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
    assert tags.meta["twitter:card"] == "summary_large_image"
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


# Every page type, listing and view, as a reader (or a social site) finds them.
SHARED_PAGES = [
    "/",
    "/news/",
    "/news/?page=2",
    "/news/topic/mining/",
    "/news/kind/briefings/",
    "/news/2013/",
    "/news/events/",
    "/news/events/past/",
    "/news/minas-conga-referendum-plans-disputed/",
    "/news/peru-and-the-persistence-of-inequality/",
    "/about-us/",
    "/about-us/psg-aims/",
    "/join/",
    "/privacy/",
    "/search/?q=mining",
    "/search/",
]


def og_image(client, url):
    """The page's og:image tags, having checked that the image is at an absolute address on the
    site and answers 200 there."""
    tags = head(client, url)
    image = tags.meta["og:image"]
    assert image.startswith("http://testserver/"), (url, image)
    assert client.get(image.removeprefix("http://testserver")).status_code == 200, (url, image)
    assert tags.meta["twitter:image"] == image
    return tags.meta


@pytest.mark.django_db
def test_every_page_has_an_og_image_that_answers(client):
    load_site_content()
    news = NewsPageFactory(
        parent=NewsPageFactory._meta.model.objects.first().get_parent(),
        title="With a picture",
        listing_image=ImageFactory(title="March", description="A march in Lima"),
    )
    for url in SHARED_PAGES:
        meta = og_image(client, url)
        # Nothing set anywhere: the site's own default image, 1200 by 630.
        assert meta["og:image"].startswith("http://testserver/static/images/social-default"), url
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
        assert meta["og:image:alt"].startswith("Peru Support Group")
    meta = og_image(client, news.url)
    assert meta["og:image"].startswith("http://testserver/media/images/")
    assert ".fill-1200x630" in meta["og:image"]
    assert meta["og:image:alt"] == "A march in Lima"


@pytest.mark.django_db
def test_the_site_settings_social_image_is_used_where_a_page_has_none(client, admin_client):
    load_site_content()
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.social_image = ImageFactory(file__width=2400, file__height=1260, title="Andes")
    settings.save()
    for url in ("/", "/news/", "/search/?q=mining", "/join/"):
        meta = og_image(client, url)
        assert ".fill-1200x630" in meta["og:image"], url
        assert (meta["og:image:width"], meta["og:image:height"]) == ("1200", "630")
    # Social sites do not show SVG: an SVG social image gives way to the default.
    response = admin_client.post(
        "/admin/images/add/",
        {
            "title": "Vector",
            "file": SimpleUploadedFile("v.svg", LOGO_SVG, "image/svg+xml"),
            "collection": Collection.get_first_root_node().pk,
        },
    )
    assert response.status_code == 302
    settings.social_image = get_image_model().objects.get(title="Vector")
    settings.save()
    assert "social-default" in og_image(client, "/")["og:image"]
