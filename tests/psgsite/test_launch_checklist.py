"""The dashboard's launch checklist: what the site still lacks before it goes public, for those
who publish, each item a link to where it is put right, gone once all is done."""

import datetime

from bs4 import BeautifulSoup

from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import Page

from about.models import AboutPage
from home.models import SiteSettings
from psgsite.checklist import missing_items
from psgsite.models import Heartbeat
from psgsite.scheduler import run_pass
from tests.editorial import EditorialTestCase
from tests.factories import ImageFactory, MembershipTypeFactory, UserFactory

MEMBERSHIP = "No membership type is on offer, so the join page takes no applications."
EMAIL = "No contact email address is set."
PRIVACY_UNREVIEWED = (
    "The privacy notice has not been reviewed: no one has published it since it was loaded."
)
SPANISH_PRIVACY_UNREVIEWED = (
    "The Spanish privacy notice has not been reviewed: no one has published it since it was loaded."
)
LOGO = "No logo is set."
SOCIAL_IMAGE = "No image is set for pages shared on social media."
SCHEDULER_NEVER = "The scheduler has not run in the last 5 minutes: it has never run."


class ChecklistTestCase(EditorialTestCase):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.admin = UserFactory(username="admin", is_superuser=True, is_staff=True)

    def setUp(self):
        self.settings_ = SiteSettings.objects.get()
        self.privacy = AboutPage.objects.get(slug="privacy")
        self.spanish_privacy = AboutPage.objects.get(
            translation_key=self.privacy.translation_key, locale__language_code="es"
        )

    def checklist(self, user):
        """The checklist's items as the dashboard shows them to the user: (text, link), where
        link is (its words, its address) or None; None when there is no checklist."""
        self.client.force_login(user)
        response = self.client.get("/admin/")
        self.assertEqual(response.status_code, 200)
        panel = BeautifulSoup(response.content, "html.parser").find(id="launch-checklist")
        if panel is None:
            return None
        self.assertEqual(panel.find("h2").get_text(strip=True), "Before the site goes public")
        items = []
        for li in panel.select("ul.psg-checklist > li"):
            link = li.find("a")
            help_text = li.find(class_="help")
            for extra in (link, help_text):
                if extra:
                    extra.extract()
            items.append(
                (
                    " ".join(li.get_text(" ").split()),
                    (link.get_text(strip=True), link["href"]) if link else None,
                    help_text.get_text(strip=True) if help_text else "",
                )
            )
        return items

    def texts(self, user):
        return [text for text, link, help_text in self.checklist(user) or []]

    def finish_everything(self):
        MembershipTypeFactory(active=True)
        self.settings_.email = "info@perusupportgroup.org.uk"
        self.settings_.logo = ImageFactory(title="Logo")
        self.settings_.social_image = ImageFactory(title="Andes")
        self.settings_.save()
        self.privacy.save_revision(user=self.moderator).publish(user=self.moderator)
        self.spanish_privacy.save_revision(user=self.moderator).publish(user=self.moderator)
        Heartbeat.beat(Heartbeat.SCHEDULER)


class WhoSeesItTests(ChecklistTestCase):
    def test_editors_and_membership_secretaries_do_not_get_it(self):
        self.assertIsNone(self.checklist(self.editor))
        self.assertIsNone(self.checklist(self.secretary))

    def test_a_moderator_sees_what_the_new_site_lacks(self):
        self.assertEqual(
            self.checklist(self.moderator),
            [
                (
                    MEMBERSHIP,
                    None,
                    "A membership secretary adds one under Membership → Membership types.",
                ),
                (
                    EMAIL,
                    ("Set the contact email", f"/admin/settings/home/sitesettings/{self.site_pk}/"),
                    "",
                ),
                (
                    PRIVACY_UNREVIEWED,
                    (
                        "Review and publish the privacy notice",
                        f"/admin/pages/{self.privacy.pk}/edit/",
                    ),
                    "",
                ),
                (
                    SPANISH_PRIVACY_UNREVIEWED,
                    (
                        "Review and publish the Spanish privacy notice",
                        f"/admin/pages/{self.spanish_privacy.pk}/edit/",
                    ),
                    "",
                ),
                (
                    LOGO,
                    ("Choose the logo", f"/admin/settings/home/sitesettings/{self.site_pk}/"),
                    "",
                ),
                (
                    SOCIAL_IMAGE,
                    (
                        "Choose the sharing image",
                        f"/admin/settings/home/sitesettings/{self.site_pk}/",
                    ),
                    "",
                ),
                (
                    SCHEDULER_NEVER,
                    None,
                    "Scheduled pages go live, and expired ones come down, only while it runs. "
                    "Whoever runs the server starts it beside the site: the Procfile's scheduler "
                    "process, or python manage.py run_scheduler (see the README).",
                ),
            ],
        )

    @property
    def site_pk(self):
        return self.settings_.site_id

    def test_an_administrator_gets_a_link_to_the_membership_types(self):
        items = self.checklist(self.admin)
        self.assertEqual(
            items[0],
            (MEMBERSHIP, ("Add a membership type", "/admin/membership/membershiptype/"), ""),
        )

    def test_every_link_answers_for_the_role_that_sees_it(self):
        for user in (self.moderator, self.admin):
            links = [link for text, link, help_text in self.checklist(user) if link]
            self.assertGreaterEqual(len(links), 4)
            for _words, address in links:
                self.assertEqual(self.client.get(address).status_code, 200, (user, address))

    def test_the_panel_is_gone_when_everything_is_done(self):
        self.finish_everything()
        self.assertIsNone(self.checklist(self.moderator))
        self.assertIsNone(self.checklist(self.admin))


class EachItemTests(ChecklistTestCase):
    def test_an_active_membership_type(self):
        MembershipTypeFactory(active=False)
        self.assertIn(MEMBERSHIP, self.texts(self.moderator))
        MembershipTypeFactory(active=True)
        self.assertNotIn(MEMBERSHIP, self.texts(self.moderator))

    def test_a_contact_email(self):
        self.settings_.email = "info@perusupportgroup.org.uk"
        self.settings_.save()
        self.assertNotIn(EMAIL, self.texts(self.moderator))

    def test_a_logo_and_a_social_image(self):
        self.settings_.logo = ImageFactory(title="Logo")
        self.settings_.save()
        self.assertNotIn(LOGO, self.texts(self.moderator))
        self.assertIn(SOCIAL_IMAGE, self.texts(self.moderator))
        self.settings_.social_image = ImageFactory(title="Andes")
        self.settings_.save()
        self.assertNotIn(SOCIAL_IMAGE, self.texts(self.moderator))

    def test_the_privacy_notice_is_reviewed_once_a_person_publishes_it(self):
        self.assertIn(PRIVACY_UNREVIEWED, self.texts(self.moderator))
        # A draft is not a review.
        self.privacy.save_revision(user=self.editor)
        self.assertIn(PRIVACY_UNREVIEWED, self.texts(self.moderator))
        self.privacy.save_revision(user=self.moderator).publish(user=self.moderator)
        texts = self.texts(self.moderator)
        self.assertEqual(
            [text for text in texts if "privacy" in text], [SPANISH_PRIVACY_UNREVIEWED]
        )

    def test_the_spanish_privacy_notice_is_reviewed_as_the_english_one(self):
        self.privacy.save_revision(user=self.moderator).publish(user=self.moderator)
        items = self.checklist(self.moderator)
        self.assertIn(
            (
                SPANISH_PRIVACY_UNREVIEWED,
                (
                    "Review and publish the Spanish privacy notice",
                    f"/admin/pages/{self.spanish_privacy.pk}/edit/",
                ),
                "",
            ),
            items,
        )
        self.assertNotIn(PRIVACY_UNREVIEWED, [item[0] for item in items])
        self.spanish_privacy.save_revision(user=self.moderator).publish(user=self.moderator)
        texts = self.texts(self.moderator)
        self.assertFalse([text for text in texts if "privacy" in text], texts)

    def test_the_privacy_notice_must_be_live(self):
        self.privacy.save_revision(user=self.moderator).publish(user=self.moderator)
        self.privacy.refresh_from_db()
        self.privacy.unpublish(user=self.moderator)
        items = self.checklist(self.moderator)
        self.assertIn(
            (
                "The privacy notice page is not published.",
                (
                    "Review and publish the privacy notice",
                    f"/admin/pages/{self.privacy.pk}/edit/",
                ),
                "",
            ),
            items,
        )

    def test_a_privacy_notice_must_be_chosen(self):
        self.settings_.privacy_notice = None
        self.settings_.save()
        text, link, help_text = next(
            item for item in self.checklist(self.moderator) if "privacy" in item[0]
        )
        self.assertEqual(text, "No privacy notice page is chosen.")
        self.assertEqual(link[0], "Choose the privacy notice")

    def test_the_privacy_notice_page_deleted(self):
        Page.objects.filter(pk=self.privacy.pk).delete()
        self.assertIn("No privacy notice page is chosen.", self.texts(self.moderator))

    def test_a_scheduler_that_ran_in_the_last_five_minutes(self):
        self.assertIn(SCHEDULER_NEVER, self.texts(self.moderator))
        run_pass()
        self.assertFalse(
            [text for text in self.texts(self.moderator) if "scheduler" in text.lower()]
        )

    def test_a_scheduler_that_stopped(self):
        stopped = timezone.now() - datetime.timedelta(minutes=6)
        Heartbeat.beat(Heartbeat.SCHEDULER, now=stopped)
        local = timezone.localtime(stopped).strftime("%-d %B %Y, %H:%M")
        self.assertIn(
            f"The scheduler has not run in the last 5 minutes: it last ran {local} (UK time).",
            self.texts(self.moderator),
        )
        Heartbeat.beat(Heartbeat.SCHEDULER, now=timezone.now() - datetime.timedelta(minutes=4))
        self.assertFalse(
            [text for text in self.texts(self.moderator) if "scheduler" in text.lower()]
        )


class HeartbeatTests(ChecklistTestCase):
    def test_each_pass_records_one_row(self):
        run_pass()
        first = Heartbeat.last(Heartbeat.SCHEDULER)
        run_pass()
        self.assertEqual(Heartbeat.objects.count(), 1)
        self.assertGreaterEqual(Heartbeat.last(Heartbeat.SCHEDULER), first)


class QueryTests(ChecklistTestCase):
    def queries(self, user):
        request = RequestFactory().get("/admin/")
        request.user = user
        with CaptureQueriesContext(connection) as captured:
            missing_items(request)
        return len(captured)

    def test_a_few_queries_whatever_is_missing(self):
        missing = self.queries(self.moderator)
        self.finish_everything()
        done = self.queries(self.moderator)
        self.assertLessEqual(missing, 8)
        self.assertLessEqual(done, 8)
