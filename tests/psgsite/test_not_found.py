"""The page-not-found page: the site's frame, a search form and the main sections."""

from bs4 import BeautifulSoup

from django.test import TestCase

from tests.conftest import load_site_content


class NotFoundTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_site_content()

    def get(self, url="/no-such-page/"):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 404)
        return BeautifulSoup(response.content, "html.parser")

    def test_offers_a_search_and_the_main_sections_in_the_sites_frame(self):
        page = self.get()
        main = page.find("main")
        self.assertEqual(main.h1.get_text(), "Page not found")
        form = main.find("form", role="search")
        self.assertEqual(form["action"], "/search/")
        field = form.find("input", attrs={"name": "q"})
        self.assertEqual(form.find("label")["for"], field["id"])
        links = [(a.get_text(), a["href"]) for a in main.find("ul").find_all("a")]
        self.assertEqual(
            links,
            [
                ("Home", "/"),
                ("News", "/news/"),
                ("Briefings", "/news/kind/briefings/"),
                ("Events", "/news/events/"),
                ("About us", "/about-us/"),
                ("Why join the PSG?", "/join/"),
            ],
        )
        self.assertIsNotNone(page.find("nav", attrs={"aria-label": "Main"}))
        self.assertIsNotNone(page.find("footer"))

    def test_a_missing_news_listing_gets_it_too(self):
        main = self.get("/news/topic/no-such-topic/").find("main")
        self.assertIn("Events", main.get_text())

    def test_a_section_no_longer_live_is_not_offered(self):
        from membership.models import JoinPage

        JoinPage.objects.get(slug="join").unpublish()
        main = self.get().find("main")
        self.assertNotIn("Why join the PSG?", main.get_text())
