"""The editor's side of the admin: revisions, scheduling in UK time, previews, the dashboard."""

import datetime

from wagtail.models import Revision

from about.models import AboutPage
from home.models import HomePage, SiteSettings
from membership.models import JoinPage
from news.models import EventPage, NewsIndexPage, NewsPage
from tests.editorial import EditorialTestCase, edit_form, paragraph


def at(*utc):
    return datetime.datetime(*utc, tzinfo=datetime.UTC)


class EditingTestCase(EditorialTestCase):
    def save_draft(self, page, html, user):
        self.client.force_login(user)
        data = edit_form(self.client, page, [paragraph(html)])
        response = self.client.post(f"/admin/pages/{page.pk}/edit/", data)
        self.assertEqual(response.status_code, 302)
        return latest_revision(page)

    def schedule(self, page, go_live_at, user):
        """Sets a go-live time in the admin's form and publishes, as a moderator does."""
        self.client.force_login(user)
        data = edit_form(self.client, page, [paragraph("<p>Embargoed text.</p>")])
        data["go_live_at"] = go_live_at
        response = self.client.post(
            f"/admin/pages/{page.pk}/edit/", {**data, "action-publish": "1"}
        )
        self.assertEqual(response.status_code, 302)
        return latest_revision(page)


def latest_revision(page):
    return page.revisions.order_by("-created_at", "-pk").first()


class RevisionTests(EditingTestCase):
    def test_every_save_is_a_revision_that_can_be_compared_and_reverted(self):
        first = self.save_draft(self.story, "<p>Police cleared the road.</p>", self.editor)
        second = self.save_draft(self.story, "<p>The referendum was blocked.</p>", self.editor)
        self.assertNotEqual(first.pk, second.pk)

        compare = self.client.get(
            f"/admin/pages/{self.story.pk}/revisions/compare/{first.pk}...{second.pk}/"
        )
        self.assertEqual(compare.status_code, 200)
        html = compare.content.decode()
        self.assertIn("Police cleared the road.", html)
        self.assertIn("The referendum was blocked.", html)

        revert = self.client.get(f"/admin/pages/{self.story.pk}/revisions/{first.pk}/revert/")
        self.assertEqual(revert.status_code, 200)
        self.assertIn("Police cleared the road.", revert.content.decode())
        self.assertNotIn("The referendum was blocked.", revert.content.decode())
        # Saving the reverted form makes the old body the newest draft.
        reverted = self.save_draft(
            self.story, first.as_object().body.render_as_block(), self.editor
        )
        self.assertIn("Police cleared the road.", str(reverted.as_object().body))

    def test_the_history_lists_who_saved_what(self):
        self.save_draft(self.story, "<p>Edited.</p>", self.editor)
        history = self.client.get(f"/admin/pages/{self.story.pk}/history/")
        self.assertEqual(history.status_code, 200)
        self.assertContains(history, "edna")


class SchedulingInUkTimeTests(EditingTestCase):
    def test_summer_go_live_is_an_hour_ahead_of_utc(self):
        revision = self.schedule(self.story, "01/07/2027 10:00", self.moderator)
        self.assertEqual(revision.approved_go_live_at, at(2027, 7, 1, 9, 0))

    def test_winter_go_live_is_utc(self):
        revision = self.schedule(self.story, "14/01/2027 10:00", self.moderator)
        self.assertEqual(revision.approved_go_live_at, at(2027, 1, 14, 10, 0))

    def test_just_before_the_spring_clock_change(self):
        # Clocks go forward at 01:00 UTC on Sunday 28 March 2027.
        before = self.schedule(self.story, "28/03/2027 00:30", self.moderator)
        self.assertEqual(before.approved_go_live_at, at(2027, 3, 28, 0, 30))

    def test_just_after_the_spring_clock_change(self):
        after = self.schedule(self.story, "28/03/2027 03:00", self.moderator)
        self.assertEqual(after.approved_go_live_at, at(2027, 3, 28, 2, 0))

    def test_the_schedule_dialog_says_which_time_zone_applies(self):
        self.client.force_login(self.editor)
        response = self.client.get(f"/admin/pages/{self.story.pk}/edit/")
        self.assertContains(
            response, "Times are UK time (Europe/London): GMT in winter, BST in summer."
        )

    def test_an_editor_cannot_make_a_schedule_take_effect(self):
        revision = self.schedule(self.story, "01/07/2027 10:00", self.editor)
        self.assertIsNone(revision.approved_go_live_at)
        self.assertFalse(Revision.objects.filter(approved_go_live_at__isnull=False).exists())


class DraftsAndScheduledContentTests(EditingTestCase):
    def test_scheduled_content_is_previewable_by_editors_and_hidden_from_readers(self):
        page = NewsPage(
            title="Embargoed briefing", slug="embargoed", date=datetime.date(2026, 12, 1)
        )
        self.index.add_child(instance=page)
        page.unpublish()
        self.schedule(NewsPage.objects.get(pk=page.pk), "01/07/2030 10:00", self.moderator)

        self.client.logout()
        self.assertEqual(self.client.get("/news/embargoed/").status_code, 404)
        self.assertNotContains(self.client.get("/news/"), "Embargoed briefing")
        self.assertNotContains(self.client.get("/"), "Embargoed briefing")

        self.client.force_login(self.editor)
        url = f"/admin/pages/{page.pk}/edit/preview/"
        data = edit_form(self.client, page, [paragraph("<p>Embargoed text.</p>")])
        self.assertEqual(
            self.client.post(url, data).json(), {"is_valid": True, "is_available": True}
        )
        preview = self.client.get(url)
        self.assertEqual(preview.status_code, 200)
        self.assertContains(preview, "Embargoed text.")

    def test_an_event_previews_too(self):
        event = EventPage.objects.get()
        self.client.force_login(self.editor)
        url = f"/admin/pages/{event.pk}/edit/preview/"
        data = edit_form(self.client, event, [paragraph("<p>Programme to follow.</p>")])
        self.assertEqual(self.client.post(url, data).json()["is_valid"], True)
        self.assertContains(self.client.get(url), "Programme to follow.")

    def test_a_draft_edit_of_a_live_page_is_not_shown_to_readers(self):
        self.save_draft(self.story, "<p>Unfinished rewrite.</p>", self.editor)
        self.client.logout()
        self.assertNotContains(self.client.get(self.story.url), "Unfinished rewrite.")


class DashboardTests(EditingTestCase):
    def test_the_scheduled_panel_says_what_goes_live_when_and_who_set_it(self):
        self.schedule(self.story, "01/07/2030 10:00", self.moderator)
        self.client.force_login(self.editor)
        response = self.client.get("/admin/")
        self.assertContains(
            response,
            '<h2 class="w-panel__heading" id="scheduled-heading">Scheduled</h2>',
            html=True,
        )
        panel = response.content.decode().split('id="scheduled"')[1]
        self.assertIn("Minas Conga referendum plans disputed", panel)
        self.assertIn("1 July 2030, 10:00", panel)
        self.assertIn("Goes live", panel)
        self.assertIn("mo", panel)

    def test_expiring_pages_are_listed_too(self):
        page = NewsPage.objects.get(slug="trade-agreement-risks-human-rights")
        self.client.force_login(self.moderator)
        data = edit_form(self.client, page, [paragraph("<p>Text.</p>")])
        data["expire_at"] = "31/12/2030 23:00"
        self.client.post(f"/admin/pages/{page.pk}/edit/", {**data, "action-publish": "1"})
        panel = self.client.get("/admin/").content.decode().split('id="scheduled"')[1]
        self.assertIn("Trade agreement", panel)
        self.assertIn("Expires", panel)
        self.assertIn("31 December 2030, 23:00", panel)

    def test_membership_secretaries_do_not_get_the_panel(self):
        self.client.force_login(self.secretary)
        self.assertNotContains(self.client.get("/admin/"), 'id="scheduled"')


class EditorHelpTests(EditingTestCase):
    def test_every_field_an_editor_fills_has_help_text(self):
        # Wagtail's own schedule fields carry the time-zone note in their dialog instead.
        theirs = {"go_live_at", "expire_at", "comment_notifications"}
        for model in (HomePage, NewsIndexPage, NewsPage, EventPage, AboutPage, JoinPage):
            form = model.get_edit_handler().get_form_class()
            for name, field in form.base_fields.items():
                if name not in theirs:
                    self.assertTrue(field.help_text, f"{model.__name__}.{name}")
        for field in SiteSettings._meta.get_fields():
            if getattr(field, "editable", False) and field.name not in ("id", "site"):
                self.assertTrue(field.help_text, f"SiteSettings.{field.name}")

    def test_the_accessibility_checker_is_in_the_editors_userbar(self):
        self.client.force_login(self.editor)
        response = self.client.get(self.story.url)
        self.assertContains(response, 'id="checker-trigger"')
        self.assertContains(response, 'id="checker-axe-configuration"')
