import datetime

from bs4 import BeautifulSoup

from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from about.models import AboutPage
from home.models import HomePage
from news.models import BriefingPage, EventPage, NewsIndexPage, NewsItemPage, NewsPage, Topic
from tests.page_tree import PageTreeTestCase


class NewsTreeTests(PageTreeTestCase):
    def test_the_news_index_sits_under_home_and_holds_news_and_events(self):
        self.assertAllowedParentPageTypes(NewsIndexPage, {HomePage})
        self.assertAllowedSubpageTypes(NewsIndexPage, {NewsPage, BriefingPage, EventPage})

    def test_there_is_only_one_news_index(self):
        self.assertFalse(NewsIndexPage.can_create_at(self.home))

    def test_news_items_and_events_live_only_in_the_news_index_and_have_no_children(self):
        for model in (NewsPage, BriefingPage, EventPage):
            self.assertAllowedParentPageTypes(model, {NewsIndexPage})
            self.assertAllowedSubpageTypes(model, set())
            self.assertCanNotCreateAt(HomePage, model)
            self.assertCanNotCreateAt(AboutPage, model)

    def test_the_shared_listing_entry_cannot_be_created_on_its_own(self):
        self.assertCanNotCreateAt(NewsIndexPage, NewsItemPage)

    def test_an_editor_can_write_a_backdated_briefing_with_every_block(self):
        Topic.objects.create(name="Mining")
        Topic.objects.create(name="Human rights")
        self.assertCanCreate(
            self.news_index,
            BriefingPage,
            nested_form_data(
                {
                    "title": "Briefing on mining conflicts",
                    "date": "2013-03-28",
                    "summary": "Conflicts over mining in the north.",
                    "topics": "Mining, Human rights",
                    "issue_number": "7",
                    "body": streamfield(
                        [
                            ("heading", {"text": "Background", "level": "h2"}),
                            ("paragraph", rich_text("<p>Conflicts have grown.</p>")),
                            ("quote", {"quote": "Water is life.", "attribution": "A farmer"}),
                            (
                                "key_facts",
                                {
                                    "heading": "In numbers",
                                    "facts": streamfield(
                                        [("item", {"figure": "15", "description": "groups"})]
                                    ),
                                },
                            ),
                            (
                                "call_to_action",
                                {
                                    "heading": "Join us",
                                    "text": "",
                                    "button_label": "Become a member",
                                    "page": "",
                                    "link_url": "/join/",
                                },
                            ),
                        ]
                    ),
                }
            ),
        )
        page = BriefingPage.objects.get(title="Briefing on mining conflicts")
        self.assertTrue(page.is_briefing)
        self.assertEqual(page.date, datetime.date(2013, 3, 28))
        self.assertEqual(page.issue_number, 7)
        self.assertEqual(
            [block.block_type for block in page.body],
            ["heading", "paragraph", "quote", "key_facts", "call_to_action"],
        )
        self.assertEqual(sorted(t.name for t in page.topics.all()), ["Human rights", "Mining"])

    def test_an_editor_can_announce_an_event_whose_date_is_not_fixed(self):
        self.assertCanCreate(
            self.news_index,
            EventPage,
            nested_form_data(
                {
                    "title": "Annual conference",
                    "date": "2012-11-01",
                    "start": "",
                    "end": "",
                    "location": "",
                    "online_url": "",
                    "registration_url": "",
                    "summary": "Our conference.",
                    "topics": "",
                    "body": streamfield([("paragraph", rich_text("<p>Details soon.</p>"))]),
                }
            ),
        )
        self.assertIsNone(EventPage.objects.get(title="Annual conference").start)

    def test_an_editor_can_schedule_an_event_in_uk_time(self):
        self.assertCanCreate(
            self.news_index,
            EventPage,
            nested_form_data(
                {
                    "title": "Summer talk",
                    "date": "2026-06-01",
                    "start": "2026-07-01 18:30",
                    "end": "2026-07-01 20:00",
                    "location": "London",
                    "online_url": "",
                    "registration_url": "https://example.org/book",
                    "summary": "A talk.",
                    "topics": "",
                    "body": streamfield([]),
                }
            ),
        )
        event = EventPage.objects.get(title="Summer talk")
        # 18:30 in London in July is 17:30 UTC.
        self.assertEqual(event.start, datetime.datetime(2026, 7, 1, 17, 30, tzinfo=datetime.UTC))

    def test_the_event_form_says_which_date_readers_see(self):
        form = BeautifulSoup(
            self.client.get(f"/admin/pages/add/news/eventpage/{self.news_index.pk}/").content,
            "html.parser",
        )
        labels = {
            " ".join(label.get_text().split()).rstrip("*") for label in form.find_all("label")
        }
        assert {"Start", "Announced on"} <= labels, labels
        text = " ".join(form.get_text().split())
        assert "the date readers see for the event" in text
        assert "places the event by this date" in text
        assert "for six months from this date, then moves to Past events" in text
