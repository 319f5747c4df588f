from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import HomePage
from membership.models import JoinPage
from tests.page_tree import PageTreeTestCase


class JoinTreeTests(PageTreeTestCase):
    def test_the_join_page_is_a_single_leaf_under_home(self):
        self.assertAllowedParentPageTypes(JoinPage, {HomePage})
        self.assertAllowedSubpageTypes(JoinPage, set())

    def test_an_editor_can_write_the_join_page_once(self):
        self.assertCanCreate(
            self.home,
            JoinPage,
            nested_form_data(
                {
                    "title": "Why join the PSG?",
                    "summary": "Support our work.",
                    "application_intro": "Members pay a yearly fee.",
                    "next_steps": "We will write to you within two weeks.",
                    "body": streamfield(
                        [
                            ("paragraph", rich_text("<ul><li>Keep up to date</li></ul>")),
                            (
                                "call_to_action",
                                {
                                    "heading": "Become a member",
                                    "text": "",
                                    "button_label": "Become a member",
                                    "page": "",
                                    "link_url": "#apply",
                                },
                            ),
                        ]
                    ),
                }
            ),
        )
        self.assertFalse(JoinPage.can_create_at(self.home))
