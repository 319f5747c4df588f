import json

from bs4 import BeautifulSoup

from django.test import TestCase

from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from about.models import AboutPage
from home.models import HomePage
from news.models import NewsIndexPage
from tests.conftest import load_site_content
from tests.factories import AboutPageFactory
from tests.page_tree import PageTreeTestCase


class AboutTreeTests(PageTreeTestCase):
    def test_about_pages_sit_under_home_or_another_about_page(self):
        self.assertAllowedParentPageTypes(AboutPage, {HomePage, AboutPage})
        self.assertAllowedSubpageTypes(AboutPage, {AboutPage})
        self.assertCanNotCreateAt(NewsIndexPage, AboutPage)

    def test_an_editor_can_write_an_about_page_and_a_section_under_it(self):
        data = nested_form_data(
            {
                "title": "About us",
                "summary": "Who we are.",
                "body": streamfield(
                    [
                        ("heading", {"text": "Our aims", "level": "h2"}),
                        ("paragraph", rich_text("<p>Social inclusion.</p>")),
                        (
                            "table",
                            # TableBlock's form field takes its value as JSON.
                            json.dumps(
                                {
                                    "data": [["Year", "Event"], ["1980", "Conflict begins"]],
                                    "table_header_choice": "row",
                                    "first_row_is_table_header": True,
                                    "first_col_is_header": False,
                                    "table_caption": "Timeline",
                                }
                            ),
                        ),
                    ]
                ),
            }
        )
        self.assertCanCreate(self.home, AboutPage, data)
        about = AboutPage.objects.get(title="About us")
        self.assertEqual(about.body[2].value["table_caption"], "Timeline")
        self.assertCanCreate(
            about, AboutPage, {"title": "PSG Aims", "summary": "", "body-count": "0"}
        )

    def test_an_about_page_lists_its_sections(self):
        about = AboutPageFactory(parent=self.home, title="About us")
        AboutPageFactory(parent=about, title="PSG Aims", summary="Why we exist.")
        draft = AboutPageFactory(parent=about, title="Unfinished section")
        draft.unpublish()
        self.client.logout()
        response = self.client.get(about.url)
        self.assertContains(response, "PSG Aims")
        self.assertContains(response, "Why we exist.")
        self.assertNotContains(response, "Unfinished section")


class SeedAboutPageTests(TestCase):
    """The About page as the site's own content makes it."""

    @classmethod
    def setUpTestData(cls):
        load_site_content()

    def test_no_paragraph_is_shown_twice(self):
        html = self.client.get("/about-us/").content.decode()
        main = BeautifulSoup(html, "html.parser").find("main")
        paragraphs = [" ".join(p.get_text().split()) for p in main.find_all("p")]
        self.assertIn(
            "The Peru Support Group exists to promote social inclusion, sustainable development "
            "and the observance of human rights in Peru.",
            paragraphs,
        )
        self.assertEqual(len(paragraphs), len(set(paragraphs)), paragraphs)
        self.assertEqual(
            [h.get_text() for h in main.find_all("h3")],
            ["PSG Aims", "Historical Overview", "Human Rights"],
        )
