from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from about.models import AboutPage
from home.models import HomePage
from membership.models import JoinPage
from news.models import NewsIndexPage
from tests.page_tree import PageTreeTestCase


class HomePageTreeTests(PageTreeTestCase):
    def test_the_home_page_sits_at_the_root(self):
        self.assertAllowedParentPageTypes(HomePage, {Page})
        self.assertAllowedSubpageTypes(HomePage, {NewsIndexPage, AboutPage, JoinPage})

    def test_there_is_only_ever_one_home_page(self):
        root = Page.get_first_root_node()
        self.assertFalse(HomePage.can_create_at(root))
        self.client.post(
            f"/admin/pages/add/home/homepage/{root.pk}/",
            {"title": "A second home", "slug": "second-home", "action-publish": "publish"},
        )
        self.assertEqual(HomePage.objects.count(), 1)

    def test_an_editor_can_build_the_home_page_in_the_admin(self):
        self.home.delete()
        root = Page.get_first_root_node()
        self.assertCanCreate(
            root,
            HomePage,
            nested_form_data(
                {
                    "title": "Peru Support Group",
                    "intro": "Human rights and sustainable development in Peru.",
                    "teasers": inline_formset([]),
                    "body": streamfield(
                        [
                            ("heading", {"text": "Our work", "level": "h2"}),
                            ("paragraph", rich_text("<p>We campaign.</p>")),
                        ]
                    ),
                }
            ),
        )
        self.assertEqual(
            HomePage.objects.get().intro, "Human rights and sustainable development in Peru."
        )
