"""The organisation's day-one content: every item of its old home page on a page of its own,
with its real date."""

import datetime
import json

import pytest

from django.core.management import call_command
from django.db import transaction
from django.test import TestCase
from django.utils.html import escape

from wagtail.models import Locale, Page, Site
from wagtail.test.utils import WagtailTestUtils

from about.models import AboutPage
from home.models import HomePage, SiteSettings
from membership.models import InterestRegistration, JoinPage, MembershipApplication
from news.models import EventPage, NewsIndexPage, NewsPage, Topic
from psgsite.management.commands.load_site_content import CONTENT_FILE
from tests import content_snapshot
from tests.conftest import load_site_content, run_load_site_content, wagtail_root
from tests.factories import MembershipTypeFactory
from tests.forms import form_data
from tests.membership.conftest import application_data, started_token_ago

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
        cls.output = run_load_site_content()
        cls.home = HomePage.objects.get(slug="home")

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
        for url in ("/", "/join/"):
            with self.subTest(url):
                self.assertContains(
                    self.client.get(url), f'<a href="{notice.url}">Privacy notice</a>', html=True
                )

    def test_the_join_page_says_why_to_join_and_offers_one_thing_to_do(self):
        join = JoinPage.objects.get(slug="join")
        self.assertEqual(join.get_parent().specific, self.home)
        response = self.client.get(join.url)
        self.assertContains(response, "<h1>Why join the PSG?</h1>", html=True)
        self.assertContains(response, "What members get</h2>")
        self.assertContains(response, "Keep up to date with latest news and developments in Peru")
        self.assertContains(response, "Support the work of the Peru Support Group")
        # No membership type yet: the one call to action is to register interest, and no
        # button repeats a heading.
        self.assertContains(response, '<h2 id="apply-heading">Register your interest</h2>')
        self.assertNotContains(response, "Become a member")
        self.assertContains(response, 'class="button"', count=1)

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
        self.assertIn("created  /inicio/sobre-nosotros/objetivos-del-psg/", self.output)
        self.assertIn("In Spanish: 7 pages created.", self.output)


class ReloadingTests(TestCase):
    def test_loading_again_duplicates_nothing_and_keeps_editors_changes(self):
        run_load_site_content()
        count = Page.objects.count()
        page = NewsPage.objects.get(slug="minas-conga-referendum-plans-disputed")
        page.title = "Conga referendum: an editor's new headline"
        page.save_revision().publish()
        revisions = page.revisions.count()

        output = run_load_site_content()

        self.assertIn("0 pages created, 18 already there and kept", output)
        self.assertEqual(Page.objects.count(), count)
        page.refresh_from_db()
        self.assertEqual(page.title, "Conga referendum: an editor's new headline")
        self.assertEqual(page.revisions.count(), revisions)
        self.assertEqual(HomePage.objects.get(slug="home").teasers.count(), 2)

    def test_a_deleted_page_comes_back_but_nothing_else_changes(self):
        run_load_site_content()
        NewsPage.objects.get(slug="trade-agreement-risks-human-rights").delete()
        output = run_load_site_content()
        self.assertIn("1 pages created, 17 already there", output)
        self.assertEqual(
            NewsPage.objects.filter(slug="trade-agreement-risks-human-rights").count(), 1
        )


# The Spanish pages of day one: the English page each translates, its address and its heading.
SPANISH = [
    (
        "home",
        "/es/",
        "Derechos humanos, derechos de los pueblos indígenas y desarrollo sostenible en el Perú",
    ),
    ("about-us", "/es/sobre-nosotros/", "Sobre nosotros"),
    ("psg-aims", "/es/sobre-nosotros/objetivos-del-psg/", "Objetivos del PSG"),
    ("historical-overview", "/es/sobre-nosotros/resena-historica/", "Reseña histórica"),
    ("human-rights", "/es/sobre-nosotros/derechos-humanos/", "Derechos humanos"),
    ("join", "/es/hagase-miembro/", "¿Por qué hacerse miembro del PSG?"),
    ("privacy", "/es/aviso-de-privacidad/", "Aviso de privacidad"),
]


def soup(response):
    assert response.status_code == 200, response.status_code
    return WagtailTestUtils.get_soup(response.content)


class SpanishContentTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        run_load_site_content()
        cls.spanish = Locale.objects.get(language_code="es")

    def test_each_spanish_page_translates_its_english_page_and_answers_in_spanish(self):
        self.assertEqual(Page.objects.filter(locale=self.spanish).count(), len(SPANISH))
        for english_slug, url, heading in SPANISH:
            with self.subTest(url):
                english = Page.objects.get(slug=english_slug, locale__language_code="en-gb")
                spanish = english.get_translation(self.spanish)
                self.assertTrue(spanish.live)
                self.assertIsNotNone(spanish.live_revision)
                self.assertEqual(spanish.url, url)
                response = self.client.get(url)
                self.assertEqual(response["Content-Language"], "es")
                page = soup(response)
                self.assertEqual(page.select_one("main h1").get_text(strip=True), heading)

    def test_the_text_says_what_the_psg_campaigns_for_in_spanish(self):
        text = soup(self.client.get("/es/sobre-nosotros/objetivos-del-psg/")).main.get_text()
        self.assertIn("promover la inclusión social, el desarrollo sostenible y el respeto", text)
        text = soup(self.client.get("/es/sobre-nosotros/resena-historica/")).main.get_text()
        # The English page's figure, and no other.
        self.assertIn("cerca de 70.000 personas", text)
        text = soup(self.client.get("/es/hagase-miembro/")).main.get_text()
        self.assertIn("Lo que reciben los miembros", text)
        self.assertIn("Apoye el trabajo del Peru Support Group", text)

    def test_the_page_tree_is_sound(self):
        self.assertEqual(Page.find_problems(), ([], [], [], [], []))

    def test_every_topic_has_a_spanish_name_and_a_moderators_is_kept_on_loading_again(self):
        self.assertFalse(Topic.objects.filter(name_es="").exists())
        self.assertEqual(Topic.objects.get(name="Mining").name_es, "Minería")
        Topic.objects.filter(name="Mining").update(name_es="Minas")
        Topic.objects.filter(name="Trade").update(name_es="")
        self.assertIn("In Spanish: 1 topics named.", run_load_site_content())
        self.assertEqual(Topic.objects.get(name="Mining").name_es, "Minas")
        self.assertEqual(Topic.objects.get(name="Trade").name_es, "Comercio")

    def test_the_content_file_says_where_the_spanish_text_comes_from(self):
        about = json.loads(CONTENT_FILE.read_text(encoding="utf-8"))["es"]["_about"]
        self.assertIn("Spanish page is not in the seed", about)
        self.assertIn("written for the new site", about)
        self.assertIn("the English notice is the one that governs where they differ", about)

    def test_the_privacy_notice_in_spanish_keeps_every_section_and_defers_to_the_english(self):
        english = soup(self.client.get("/privacy/")).main
        spanish = soup(self.client.get("/es/aviso-de-privacidad/")).main
        self.assertEqual(len(spanish.select("h2")), len(english.select("h2")))
        text = " ".join(spanish.get_text().split())
        self.assertIn("Si ambos difieren, prevalece el aviso en inglés.", text)
        # The laws by their English names, and each period and address the English gives.
        for fact in (
            "UK General Data Protection Regulation",
            "Data Protection Act 2018",
            "Doce meses después de que decidamos sobre su solicitud",
            "doce meses después de la última vez que usted lo envió",
            "se elimina a los 30 días",
            "Information Commissioner's Office (ico.org.uk)",
        ):
            self.assertIn(fact, text)

    def test_spanish_pages_link_the_privacy_notice_in_spanish_and_english_pages_the_english(self):
        spanish = ("/es/aviso-de-privacidad/", "Aviso de privacidad", "aviso de privacidad")
        for url, (notice, title, words) in (
            ("/es/hagase-miembro/", spanish),
            ("/es/alerts/", spanish),
            ("/join/", ("/privacy/", "Privacy notice", "privacy notice")),
        ):
            with self.subTest(url):
                page = soup(self.client.get(url))
                legal = page.select_one(".site-footer__legal a")
                self.assertEqual((legal["href"], legal.get_text()), (notice, title))
                # The consent sentence's link.
                consent = page.main.find("a", string=words)
                self.assertEqual(consent["href"], notice)
                for link in (legal, consent):
                    self.assertNotIn("hreflang", link.attrs)

    def test_the_spanish_home_page_features_the_spanish_pages(self):
        page = soup(self.client.get("/es/"))
        involved = page.select_one("section.get-involved")
        links = {a["href"] for a in involved.select("a")}
        self.assertIn("/es/sobre-nosotros/", links)
        self.assertIn("/es/hagase-miembro/", links)
        self.assertFalse({"/about-us/", "/join/"} & links)
        self.assertIn("Sobre nosotros", involved.get_text())
        # The Spanish home page's teasers are the Spanish pages themselves, for its editors.
        spanish_home = HomePage.objects.get(locale=self.spanish)
        self.assertEqual(
            [teaser.page.url for teaser in spanish_home.teasers.all()],
            ["/es/sobre-nosotros/", "/es/hagase-miembro/"],
        )

    def test_the_spanish_home_page_says_the_news_is_in_english_and_links_to_it(self):
        page = soup(self.client.get("/es/"))
        section = page.select_one("section[aria-labelledby=news-in-english]")
        self.assertEqual(section.h2.get_text(strip=True), "Noticias")
        self.assertIn("Publicamos nuestras noticias, informes y eventos en inglés.", section.text)
        link = section.a
        self.assertEqual((link["href"], link["hreflang"]), ("/news/", "en"))
        self.assertEqual(link.get_text(strip=True), "Lea nuestras noticias en inglés")
        # No empty listing of news in Spanish, and no news index in Spanish.
        self.assertIsNone(page.select_one("#latest-news"))
        self.assertEqual(self.client.get("/es/news/").status_code, 404)
        # The English home page lists its news, and says nothing of it.
        english = soup(self.client.get("/"))
        self.assertIsNotNone(english.select_one("#latest-news"))
        self.assertIsNone(english.select_one("#news-in-english"))

    def test_registering_interest_in_spanish_is_stored_as_in_english(self):
        page = soup(self.client.get("/es/hagase-miembro/"))
        form = page.select_one("form.interest-form")
        labels = [label.get_text(" ", strip=True) for label in form.select("label")]
        self.assertEqual(labels[:2], ["Nombre completo", "Correo electrónico"])
        data = form_data(str(page), action=form["action"])
        data.update({"full_name": "", "email": "rosa@example.org", "consent": "on"})
        data["started"] = started_token_ago(60)
        refused = self.client.post(form["action"], data)
        self.assertContains(refused, "Escriba su nombre completo.")
        self.assertFalse(InterestRegistration.objects.exists())
        data["full_name"] = "Rosa Quispe"
        response = self.client.post(form["action"], data)
        self.assertEqual(response.status_code, 302)
        self.assertEqual(response["Location"], "/es/hagase-miembro/interest/thanks/")
        registration = InterestRegistration.objects.get()
        self.assertEqual(
            (registration.full_name, registration.email, registration.consent),
            ("Rosa Quispe", "rosa@example.org", True),
        )

    def test_applying_in_spanish_is_stored_as_in_english(self):
        individual = MembershipTypeFactory(name="Individual", annual_fee="25.00")
        page = soup(self.client.get("/es/hagase-miembro/"))
        self.assertIsNotNone(page.select_one("form.application-form"))
        refused = self.client.post("/es/hagase-miembro/", application_data(individual, email=""))
        self.assertContains(refused, "Escriba su correo electrónico.")
        response = self.client.post("/es/hagase-miembro/", application_data(individual))
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/es/hagase-miembro/thanks/"))
        application = MembershipApplication.objects.get()
        self.assertEqual(
            (application.membership_type, application.full_name, application.email),
            (individual, "María Núñez", "maria@example.org"),
        )


class SpanishReloadingTests(TestCase):
    def test_loading_again_changes_no_spanish_page(self):
        run_load_site_content()
        about = AboutPage.objects.get(slug="sobre-nosotros")
        about.title = "Quiénes somos"
        about.save_revision().publish()
        revisions = about.revisions.count()
        count = Page.objects.count()

        output = run_load_site_content()

        self.assertIn("In Spanish: the site has Spanish pages already", output)
        self.assertEqual(Page.objects.count(), count)
        self.assertEqual(AboutPage.objects.filter(slug="aviso-de-privacidad").count(), 1)
        about.refresh_from_db()
        self.assertEqual((about.title, about.revisions.count()), ("Quiénes somos", revisions))

    def test_a_site_with_spanish_pages_is_left_alone(self):
        run_load_site_content()
        AboutPage.objects.get(slug="resena-historica").delete()
        run_load_site_content()
        self.assertFalse(AboutPage.objects.filter(slug="resena-historica").exists())
        self.assertEqual(self.client.get("/es/sobre-nosotros/resena-historica/").status_code, 404)


class SuiteCopyTests(TestCase):
    """The rest of the suite loads the content from a copy of what the command made
    (tests/content_snapshot.py): the copy must put back every row as the command left it."""

    def test_the_copy_puts_back_every_row_the_command_made(self):
        content_snapshot.forget()
        with transaction.atomic():
            output = load_site_content()  # the command, which leaves its copy
            made = rows_of_every_table()
            transaction.set_rollback(True)
        self.assertFalse(HomePage.objects.exists())

        self.assertEqual(load_site_content(), output)  # from the copy
        self.assertEqual(rows_of_every_table(), made)
        self.assertEqual(self.client.get("/news/").status_code, 200)


def rows_of_every_table():
    """{table: its rows}, in an order of their own: a table put back may list them differently."""
    return {
        table: sorted(json.loads(rows), key=lambda row: json.dumps(row, sort_keys=True))
        for table, rows in content_snapshot.read_all().items()
    }


def test_after_a_transactional_test_the_copy_puts_back_every_row_the_command_made(
    transactional_db, client
):
    """The same, in a database that a test with real transactions emptied, as Django empties it
    after each: the copy is kept under what the emptied database holds, and put back onto it."""
    content_snapshot.forget()
    emptied_as_after_a_test()
    output = load_site_content()  # the command, which leaves its copy
    made = rows_of_every_table()
    emptied_as_after_a_test()
    assert not HomePage.objects.exists()

    wagtail_root()
    assert content_snapshot.load(lambda: pytest.fail("the command ran again")) == output
    assert rows_of_every_table() == made
    assert client.get("/news/").status_code == 200


def emptied_as_after_a_test():
    """The database emptied as Django empties it after a test with real transactions: its
    sequences go on, so that the content types and permissions it makes again have new ids."""
    call_command("flush", verbosity=0, interactive=False, reset_sequences=False)
