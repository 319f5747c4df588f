"""The organisation's day-one content: every item of its old home page on a page of its own,
with its real date."""

import datetime

from django.test import TestCase
from django.utils.html import escape

from wagtail.models import Page, Site

from about.models import AboutPage
from home.models import HomePage, SiteSettings
from membership.models import JoinPage
from news.models import EventPage, NewsIndexPage, NewsPage
from tests.conftest import load_site_content

# Copied by hand from the old home page (shared/seed), so a change to the content file shows here.
SEED_NEWS = [
    (
        "Warning on 'police privatisation' in Peru",
        datetime.date(2013, 3, 28),
        "Relations between the police and private companies are putting human rights at risk",
    ),
    (
        "Human Rights Watch flags impunity and new curbs on rights",
        datetime.date(2013, 3, 15),
        "which also criticised widespread impunity for abuses",
    ),
    (
        "Minas Conga referendum plans disputed",
        datetime.date(2013, 3, 8),
        "the Conga gold and copper mine in Cajamarca, northern Peru",
    ),
    (
        "Legal bid to protect isolated indigenous groups",
        datetime.date(2013, 2, 8),
        "halting the expansion of the Camisea gas project in the Peruvian Amazon",
    ),
    (
        "Trade agreement 'risks human rights'",
        datetime.date(2013, 2, 7),
        "risk human rights and money laundering, say critics",
    ),
    (
        "Canaris: clashes as rejected mine considered",
        datetime.date(2013, 2, 4),
        "their principal source of income",
    ),
    (
        "PSG Welcomes New President and Vice President",
        datetime.date(2012, 12, 3),
        "We are very pleased to welcome both to their new positions.",
    ),
    (
        "Rural Property Campaign Launched",
        datetime.date(2012, 10, 15),
        "No community has been granted official title during the past two years.",
    ),
    (
        "Terrorism Denial Bill Faces Criticism",
        datetime.date(2012, 8, 31),
        "The proposal will be debated by Congress in the coming weeks",
    ),
]
SEED_ABOUT = [
    ("PSG Aims", "underscores the relationships that exist within the political system"),
    ("Historical Overview", "a civil war in which nearly 70,000 people died"),
    ("Human Rights", "concerns remain over the treatment of those engaged in social protest"),
]


class LoadedContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.output = load_site_content()
        cls.home = HomePage.objects.get()

    def test_the_home_page_is_the_root_of_the_default_site(self):
        site = Site.objects.get(is_default_site=True)
        self.assertEqual(site.root_page.specific, self.home)
        self.assertEqual(site.site_name, "Peru Support Group")
        # The site's address is the one the admin is configured with (WAGTAILADMIN_BASE_URL).
        self.assertEqual((site.hostname, site.port), ("testserver", 80))
        # Wagtail's placeholder welcome page is gone.
        self.assertFalse(Page.objects.filter(title__startswith="Welcome to your new").exists())

    def test_every_news_item_is_a_live_news_page_with_its_real_date_and_full_text(self):
        index = NewsIndexPage.objects.child_of(self.home).get()
        self.assertEqual(NewsPage.objects.child_of(index).live().count(), len(SEED_NEWS))
        for title, date, text in SEED_NEWS:
            with self.subTest(title):
                page = NewsPage.objects.get(title=title)
                self.assertEqual(page.date, date)
                self.assertTrue(page.summary)
                self.assertTrue(page.topics.exists())
                response = self.client.get(page.url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, f"<h1>{escape(title)}</h1>", html=True)
                self.assertContains(response, date.strftime("%-d %B %Y"))
                self.assertContains(response, escape(text))

    def test_the_event_is_an_event_page_whose_date_was_never_confirmed(self):
        event = EventPage.objects.get()
        self.assertEqual(event.title, "Peru and the Persistence of Inequality")
        self.assertEqual(event.date, datetime.date(2012, 11, 1))
        # The old site never gave the conference's own date, so the site does not claim one.
        self.assertIsNone(event.start)
        self.assertIsNone(event.end)
        self.assertEqual(event.location, "")
        # Announced in 2012: long past being "to be confirmed".
        response = self.client.get(event.url)
        self.assertContains(response, "Date never confirmed")
        self.assertNotContains(response, "to be confirmed")
        self.assertContains(response, "distribution of mining profits")

    def test_about_pages_sit_under_about_us(self):
        about_us = AboutPage.objects.child_of(self.home).get(slug="about-us")
        self.assertEqual(about_us.title, "About us")
        children = AboutPage.objects.child_of(about_us).live()
        self.assertEqual([p.title for p in children], [t for t, _ in SEED_ABOUT])
        for title, text in SEED_ABOUT:
            with self.subTest(title):
                response = self.client.get(children.get(title=title).url)
                self.assertContains(response, f"<h1>{title}</h1>", html=True)
                self.assertContains(response, text)
        response = self.client.get(about_us.url)
        for title, _ in SEED_ABOUT:
            self.assertContains(response, title)

    def test_the_privacy_notice_is_live_and_linked_from_every_page(self):
        notice = AboutPage.objects.get(slug="privacy")
        self.assertEqual(SiteSettings.for_site(self.home.get_site()).privacy_notice_id, notice.pk)
        self.assertFalse(notice.show_in_menus)
        response = self.client.get(notice.url)
        self.assertContains(response, "How long we keep it")
        for url in ("/", JoinPage.objects.get().url):
            with self.subTest(url):
                self.assertContains(
                    self.client.get(url), f'<a href="{notice.url}">Privacy notice</a>', html=True
                )

    def test_the_join_page_lists_why_to_join_and_calls_to_action(self):
        join = JoinPage.objects.get()
        self.assertEqual(join.get_parent().specific, self.home)
        response = self.client.get(join.url)
        self.assertContains(response, "<h1>Why join the PSG?</h1>", html=True)
        self.assertContains(response, "Keep up to date with latest news and developments in Peru")
        self.assertContains(response, "Support the work of the Peru Support Group")
        self.assertContains(
            response, '<a class="button" href="#apply">Become a member</a>', html=True
        )
        self.assertContains(response, 'id="apply"')

    def test_every_loaded_page_answers_with_its_own_title(self):
        for page in Page.objects.filter(depth__gt=1).specific():
            with self.subTest(page.url_path):
                response = self.client.get(page.url)
                self.assertEqual(response.status_code, 200)
                self.assertContains(response, escape(page.title))

    def test_every_page_has_a_revision_editors_can_go_back_to(self):
        for page in Page.objects.filter(depth__gt=1):
            self.assertIsNotNone(page.live_revision, page.title)

    def test_the_output_reports_progress(self):
        self.assertIn("created  /home/news/minas-conga-referendum-plans-disputed/", self.output)
        self.assertIn("18 pages created, 0 already there", self.output)


class ReloadingTests(TestCase):
    def test_loading_again_duplicates_nothing_and_keeps_editors_changes(self):
        load_site_content()
        count = Page.objects.count()
        page = NewsPage.objects.get(slug="minas-conga-referendum-plans-disputed")
        page.title = "Conga referendum: an editor's new headline"
        page.save_revision().publish()
        revisions = page.revisions.count()

        output = load_site_content()

        self.assertIn("0 pages created, 18 already there and kept", output)
        self.assertEqual(Page.objects.count(), count)
        page.refresh_from_db()
        self.assertEqual(page.title, "Conga referendum: an editor's new headline")
        self.assertEqual(page.revisions.count(), revisions)
        self.assertEqual(HomePage.objects.get().teasers.count(), 2)

    def test_a_deleted_page_comes_back_but_nothing_else_changes(self):
        load_site_content()
        NewsPage.objects.get(slug="trade-agreement-risks-human-rights").delete()
        output = load_site_content()
        self.assertIn("1 pages created, 17 already there", output)
        self.assertEqual(
            NewsPage.objects.filter(slug="trade-agreement-risks-human-rights").count(), 1
        )
