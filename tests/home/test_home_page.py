import datetime

import pytest
from bs4 import BeautifulSoup

from django.utils import timezone

from wagtail.models import Page, PageViewRestriction
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from about.models import AboutPage
from home.models import HomePage
from membership.models import JoinPage
from news.models import NewsIndexPage
from tests.conftest import in_spanish
from tests.factories import (
    AboutPageFactory,
    DocumentFactory,
    EventPageFactory,
    ImageFactory,
    JoinPageFactory,
    NewsPageFactory,
)
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

    def test_an_editor_pins_a_lead_story_in_the_admin(self):
        story = NewsPageFactory(parent=self.news_index, title="Pinned story")
        response = self.client.post(
            f"/admin/pages/{self.home.pk}/edit/",
            nested_form_data(
                {
                    "title": self.home.title,
                    "slug": self.home.slug,
                    "heading": "Human rights in Peru",
                    "intro": "",
                    "lead_story": story.pk,
                    "teasers": inline_formset([]),
                    "body": streamfield([]),
                    "action-publish": "publish",
                }
            ),
        )
        self.assertEqual(response.status_code, 302)
        home = HomePage.objects.get()
        self.assertEqual((home.heading, home.lead_story), ("Human rights in Peru", story))
        lead = lead_story(self.client.get("/"))
        self.assertEqual(lead.h2.get_text(strip=True), "Pinned story")


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def lead_story(response):
    return soup(response).select_one(".lead-story")


def section(page, heading):
    """The home page's section under the h2 with this text, or None."""
    for h2 in page.select("main h2"):
        if h2.get_text(strip=True) == heading:
            return h2.find_parent("section")
    return None


def titles(element):
    return [a.get_text(strip=True) for a in element.select("h3 a")]


@pytest.fixture
def stories(news_index):
    """Four news items a day apart, the newest last."""
    return [
        NewsPageFactory(parent=news_index, title=f"Story {day}", date=datetime.date(2013, 3, day))
        for day in range(1, 5)
    ]


@pytest.mark.django_db
class TestHero:
    def test_the_heading_says_what_we_campaign_for_and_the_buttons_lead_to_joining(
        self, client, home, news_index
    ):
        home.heading = "Human rights and sustainable development in Peru"
        home.intro = "We campaign with Peru's people."
        home.save_revision().publish()
        join = JoinPageFactory(parent=home)
        page = soup(client.get("/"))
        hero = page.select_one(".home-hero")
        assert [h1.get_text() for h1 in page.select("h1")] == [
            "Human rights and sustainable development in Peru"
        ]
        assert "We campaign with Peru's people." in hero.get_text()
        links = {a.get_text(strip=True): a["href"] for a in hero.select("a")}
        # No briefings yet: the second button leads to the news.
        assert links == {"Join the Peru Support Group": join.url, "Read our news": news_index.url}

    def test_the_second_button_offers_the_briefings_once_there_are_some(
        self, client, home, news_index
    ):
        NewsPageFactory(parent=news_index, is_briefing=True, issue_number=1)
        hero = soup(client.get("/")).select_one(".home-hero")
        assert hero.find("a", string="Read our briefings")["href"] == "/news/kind/briefings/"
        assert hero.find("a", string="Join the Peru Support Group") is None  # no join page

    def test_without_a_heading_the_page_title_is_the_heading(self, client, home):
        assert soup(client.get("/")).h1.get_text() == "Peru Support Group"


@pytest.mark.django_db
class TestLeadStory:
    def test_the_newest_item_leads_with_its_date_kind_and_summary(self, client, home, stories):
        lead = lead_story(client.get("/"))
        assert lead.h2.get_text(strip=True) == "Story 4"
        assert lead.h2.a["href"] == stories[-1].url
        assert lead.time["datetime"] == "2013-03-04"
        assert lead.select_one(".tag").get_text() == "News"
        assert "Summary of Story 4." in lead.get_text()
        assert lead.img is None  # no picture, and none made up

    def test_a_briefing_leads_with_its_number_and_its_pdf(self, client, home, stories, news_index):
        briefing = NewsPageFactory(
            parent=news_index,
            title="Briefing on water",
            date=datetime.date(2013, 4, 1),
            is_briefing=True,
            issue_number=7,
            briefing_document=DocumentFactory(),
            listing_image=ImageFactory(file__width=1600, file__height=900),
        )
        page = soup(client.get("/"))
        lead = page.select_one(".lead-story")
        assert lead.select_one(".tag").get_text() == "Briefing 7"
        assert lead.find("a", string="Download briefing 7 (PDF)")["href"] == (
            briefing.briefing_document.url
        )
        assert "fill-1280x720" in lead.img["srcset"] and lead.img["alt"] == ""
        # Led with, so not repeated among the briefings.
        assert section(page, "Latest briefings") is None

    def test_the_lead_story_is_not_repeated_in_the_latest_news(self, client, home, stories):
        latest = section(soup(client.get("/")), "Latest news")
        assert titles(latest) == ["Story 3", "Story 2", "Story 1"]

    def test_a_pinned_story_leads_and_the_newest_joins_the_latest_news(self, client, home, stories):
        home.lead_story = stories[1]
        home.save_revision().publish()
        page = soup(client.get("/"))
        assert page.select_one(".lead-story h2").get_text(strip=True) == "Story 2"
        assert titles(section(page, "Latest news")) == ["Story 4", "Story 3", "Story 1"]

    def test_the_newest_leads_while_the_pinned_story_is_unpublished(self, client, home, stories):
        home.lead_story = stories[1]
        home.save_revision().publish()
        stories[1].unpublish()
        page = soup(client.get("/"))
        assert page.select_one(".lead-story h2").get_text(strip=True) == "Story 4"
        assert "Story 2" not in page.get_text()

    def test_the_newest_leads_while_the_pinned_story_is_private(self, client, home, stories):
        home.lead_story = stories[1]
        home.save_revision().publish()
        PageViewRestriction.objects.create(page=stories[1], restriction_type="login")
        page = soup(client.get("/"))
        assert page.select_one(".lead-story h2").get_text(strip=True) == "Story 4"
        assert "Story 2" not in page.get_text()

    def test_an_event_never_leads(self, client, home, stories, news_index):
        EventPageFactory(parent=news_index, title="Announced later", date=datetime.date(2014, 1, 1))
        assert lead_story(client.get("/")).h2.get_text(strip=True) == "Story 4"


@pytest.mark.django_db
class TestSections:
    def test_sections_with_nothing_in_them_are_left_out(self, client, home, news_index):
        page = soup(client.get("/"))
        assert page.select_one(".lead-story") is None
        headings = [h2.get_text(strip=True) for h2 in page.select("main h2")]
        assert headings == ["Get involved"]  # the feeds of the news, still there to follow

    def test_a_home_page_without_a_news_index_shows_its_hero(self, client, home):
        page = soup(client.get("/"))
        assert page.h1.get_text() == "Peru Support Group"
        assert page.select("main h2") == []

    def test_latest_briefings_and_upcoming_events_have_sections_of_their_own(
        self, client, home, stories, news_index
    ):
        for number in range(1, 5):
            NewsPageFactory(
                parent=news_index,
                title=f"Briefing {number}",
                date=datetime.date(2012, 1, number),
                is_briefing=True,
                issue_number=number,
                briefing_document=DocumentFactory(),
            )
        now = timezone.now()
        for days in (9, 2, 30, 60):
            EventPageFactory(
                parent=news_index,
                title=f"In {days} days",
                start=now + datetime.timedelta(days=days),
                location="London",
            )
        EventPageFactory(parent=news_index, title="Last week", start=now - datetime.timedelta(7))
        page = soup(client.get("/"))
        briefings = section(page, "Latest briefings")
        assert titles(briefings) == ["Briefing 4", "Briefing 3", "Briefing 2"]
        assert [t.get_text() for t in briefings.select(".tag")] == [
            "Briefing 4",
            "Briefing 3",
            "Briefing 2",
        ]
        assert "Download the PDF of Briefing 4" in briefings.get_text()
        events = section(page, "Upcoming events")
        assert titles(events) == ["In 2 days", "In 9 days", "In 30 days"]
        assert "London" in events.get_text()
        # Briefings and events are not repeated among the latest news.
        assert titles(section(page, "Latest news")) == ["Story 3", "Story 2", "Story 1"]
        see_all = {a.get_text(strip=True): a["href"] for a in page.select(".see-all a")}
        assert see_all == {
            "See all news": "/news/",
            "See all briefings": "/news/kind/briefings/",
            "See all upcoming events": "/news/events/",
        }
        for url in see_all.values():
            assert client.get(url).status_code == 200

    def test_drafts_and_past_events_are_left_out(self, client, home, stories, news_index):
        draft = NewsPageFactory(parent=news_index, title="Draft briefing", is_briefing=True)
        draft.unpublish()
        EventPageFactory(
            parent=news_index, title="Last week", start=timezone.now() - datetime.timedelta(7)
        )
        page = soup(client.get("/"))
        assert section(page, "Latest briefings") is None
        assert section(page, "Upcoming events") is None
        assert "Draft briefing" not in page.get_text()


@pytest.mark.django_db
class TestGetInvolved:
    def test_join_follow_and_the_featured_pages(self, client, home, news_index):
        join = JoinPageFactory(parent=home, summary="Support our work.")
        about = AboutPageFactory(parent=home, title="About us", summary="Who we are.")
        home.teasers.create(page=about, sort_order=0)
        home.teasers.create(page=join, sort_order=1)
        home.save_revision().publish()
        band = section(soup(client.get("/")), "Get involved")
        assert band.find("a", string="Join the Peru Support Group")["href"] == join.url
        assert "Support our work." in band.get_text()
        follow = {a.get_text(strip=True): a["href"] for a in band.select(".follow-links a")}
        # No upcoming events: no calendar to offer.
        assert follow == {
            "News feed (RSS)": "/news/feed/rss/",
            "News feed (Atom)": "/news/feed/atom/",
        }
        for url in follow.values():
            assert client.get(url).status_code == 200
        # The join page has its own place in the band, so is not teased twice.
        assert titles(band) == ["About us"]

    def test_the_calendar_is_offered_while_events_are_upcoming(self, client, home, news_index):
        EventPageFactory(parent=news_index, start=timezone.now() + datetime.timedelta(days=3))
        band = section(soup(client.get("/")), "Get involved")
        calendar = band.find("a", string="Events calendar (iCalendar)")
        assert calendar["href"] == "/news/events/calendar/"
        assert client.get(calendar["href"])["Content-Type"].startswith("text/calendar")

    def test_an_undated_event_alone_offers_no_calendar(self, client, home, news_index):
        # Listed as coming up (date to be confirmed), but the calendar leaves it out.
        EventPageFactory(
            parent=news_index, title="Annual conference", start=None, date=timezone.localdate()
        )
        page = soup(client.get("/"))
        assert "Annual conference" in section(page, "Upcoming events").get_text()
        band = section(page, "Get involved")
        assert band.find("a", string="Events calendar (iCalendar)") is None
        assert "calendar" not in band.get_text()

    def test_without_a_live_join_page_there_is_no_join_button(self, client, home, news_index):
        JoinPageFactory(parent=home).unpublish()
        page = soup(client.get("/"))
        assert "Join the" not in page.select_one("main").get_text()
        assert section(page, "Get involved").select("h3")[0].get_text() == "Follow our news"

    def test_in_spanish_each_featured_page_is_its_spanish_translation_or_left_out(
        self, client, home, news_index
    ):
        about = AboutPageFactory(parent=home, title="About us", slug="about-us")
        aims = AboutPageFactory(parent=home, title="Our aims", slug="our-aims")
        history = AboutPageFactory(parent=home, title="Our history", slug="our-history")
        for order, page in enumerate([about, aims, history]):
            home.teasers.create(page=page, sort_order=order)
        home.save_revision().publish()
        # The Spanish home page's teasers are those of the English one: its English pages.
        in_spanish(HomePage.objects.get(), title="Inicio", slug="inicio")
        in_spanish(about, title="Sobre nosotros", slug="sobre-nosotros")
        in_spanish(history, title="Nuestra historia", slug="nuestra-historia").unpublish()
        band = section(soup(client.get("/es/")), "Participe")
        assert titles(band) == ["Sobre nosotros"]
        assert band.find("a", string="Sobre nosotros")["href"] == "/es/sobre-nosotros/"
        # The English home page features its English pages.
        band = section(soup(client.get("/")), "Get involved")
        assert titles(band) == ["About us", "Our aims", "Our history"]
