"""The sitemap lists every public live page, in sections listed by its index at sitemap.xml,
and robots.txt points to it."""

from unittest.mock import patch

import pytest
from defusedxml import ElementTree as ET

from django.test import TestCase

from wagtail.models import Page, PageViewRestriction

from news.models import NewsIndexPage, NewsPage
from psgsite.views import PagesSitemap
from tests.conftest import in_spanish, load_site_content
from tests.factories import AboutPageFactory

NS = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}


class SitemapTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_site_content()
        index = NewsIndexPage.objects.get()
        cls.draft = index.add_child(instance=NewsPage(title="Draft story", slug="draft-story"))
        cls.draft.unpublish()
        cls.private = NewsPage.objects.get(slug="trade-agreement-risks-human-rights")
        PageViewRestriction.objects.create(page=cls.private, restriction_type="login")
        cls.expired = NewsPage.objects.get(slug="rural-property-campaign-launched")
        cls.expired.unpublish(set_expired=True)

    def read(self, url):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200)
        return ET.fromstring(response.content)

    def sections(self):
        return [loc.text for loc in self.read("/sitemap.xml").findall("s:sitemap/s:loc", NS)]

    def locations(self):
        """Every address in every section the index lists."""
        return [
            loc.text
            for section in self.sections()
            for loc in self.read(section.removeprefix("http://testserver")).findall(
                "s:url/s:loc", NS
            )
        ]

    def test_the_index_lists_sections_of_at_most_five_hundred_pages(self):
        self.assertEqual(self.sections(), ["http://testserver/sitemap-pages.xml"])
        few = len(self.locations())
        with patch.object(PagesSitemap, "limit", 5):
            sections = self.sections()
            self.assertEqual(sections[1], "http://testserver/sitemap-pages.xml?p=2")
            self.assertGreater(len(sections), 2)
            self.assertEqual(len(self.locations()), few)

    def test_a_section_that_does_not_exist_is_not_found(self):
        for url in ("/sitemap-other.xml", "/sitemap-pages.xml?p=99", "/sitemap-pages.xml?p=x"):
            self.assertEqual(self.client.get(url).status_code, 404, url)

    def test_lists_every_public_live_page_once_with_an_absolute_address(self):
        locations = self.locations()
        self.assertEqual(len(locations), len(set(locations)))
        public = Page.objects.live().public().filter(depth__gt=1).exclude(pk=self.private.pk)
        for page in public:
            self.assertIn(page.full_url, locations)
        self.assertTrue(all(url.startswith("http://testserver/") for url in locations))

    def test_leaves_out_drafts_private_and_expired_pages(self):
        locations = " ".join(self.locations())
        for page in (self.draft, self.private, self.expired):
            self.assertNotIn(f"/{page.slug}/", locations)

    def test_includes_the_topic_and_year_listings(self):
        locations = self.locations()
        self.assertIn("http://testserver/news/topic/mining/", locations)
        self.assertIn("http://testserver/news/2013/", locations)

    def test_includes_the_events_listings_and_each_kind_with_items(self):
        locations = self.locations()
        for path in ("events/", "events/past/", "kind/news/", "kind/events/"):
            self.assertIn(f"http://testserver/news/{path}", locations)
        # The site's content has no briefing yet: an empty listing is left out.
        self.assertNotIn("http://testserver/news/kind/briefings/", locations)

    def test_robots_txt_points_to_it_and_keeps_crawlers_out_of_the_admin(self):
        response = self.client.get("/robots.txt")
        self.assertEqual(response["Content-Type"], "text/plain; charset=utf-8")
        lines = response.content.decode().splitlines()
        self.assertIn("Sitemap: http://testserver/sitemap.xml", lines)
        self.assertIn("Disallow: /admin/", lines)
        self.assertIn("Disallow: /search/", lines)
        self.assertIn("Disallow: /es/search/", lines)


XHTML = "{http://www.w3.org/1999/xhtml}link"


@pytest.mark.django_db
def test_lists_the_spanish_pages_with_their_english_alternates(client, home, spanish_home):
    about = AboutPageFactory(parent=home, title="About us", slug="about")
    in_spanish(about, title="Sobre nosotros", slug="sobre-nosotros")
    AboutPageFactory(parent=home, title="Only in English", slug="only-english")
    draft = in_spanish(AboutPageFactory(parent=home, slug="draft"), slug="borrador")
    draft.unpublish()
    urls = {
        url.find("s:loc", NS).text: {
            link.get("hreflang"): link.get("href") for link in url.iter(XHTML)
        }
        for url in ET.fromstring(client.get("/sitemap-pages.xml").content).findall("s:url", NS)
    }
    about_alternates = {
        "en-GB": "http://localhost/about/",
        "x-default": "http://localhost/about/",
        "es": "http://localhost/es/sobre-nosotros/",
    }
    assert urls["http://localhost/es/sobre-nosotros/"] == about_alternates
    assert urls["http://localhost/about/"] == about_alternates
    assert urls["http://localhost/es/"]["en-GB"] == "http://localhost/"
    assert urls["http://localhost/only-english/"] == {}
    assert urls["http://localhost/draft/"] == {}
    assert "http://localhost/es/borrador/" not in urls
