"""Translating a page in the admin with wagtail-localize, as editors and moderators do: the
translation is a draft no reader sees, editors write it and submit it for moderation as they
do any page, and a moderator's approval publishes it in Spanish."""

import datetime
import json
import urllib.parse

import polib
import time_machine
from wagtail_localize.models import StringTranslation, Translation

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart
from django.utils.html import escape

from wagtail.models import Locale, Page, PageLogEntry, WorkflowState
from wagtail.test.utils import WagtailTestUtils
from wagtail.users.models import UserProfile

from about.models import AboutPage
from psgsite.scheduler import run_pass
from tests.editorial import EditorialTestCase, edit_form, paragraph

# What the editor writes for each field of the English page, by its name.
SPANISH = {
    "title": "Informes anuales",
    "slug": "informes-anuales",
    "summary": "Los informes anuales del PSG.",
    "body": "Aquí publicamos los informes anuales del PSG.",
}


class TranslatingTests(EditorialTestCase, WagtailTestUtils):
    @classmethod
    def setUpTestData(cls):
        super().setUpTestData()
        cls.spanish = Locale.objects.get(language_code="es")
        about_us = AboutPage.objects.get(slug="about-us")
        cls.english = AboutPage(
            title="Annual reports",
            slug="annual-reports",
            summary="The PSG's annual reports.",
            body=[("paragraph", "<p>Here we publish the PSG's annual reports.</p>")],
        )
        about_us.add_child(instance=cls.english)
        cls.english.save_revision().publish()

    def translate(self):
        """The editor's "Translate" on the English page, into Spanish: the translation made."""
        url = f"/admin/localize/submit/page/{self.english.pk}/"
        # Offered on the English page's editor.
        self.assertContains(self.client.get(f"/admin/pages/{self.english.pk}/edit/"), url)
        self.assertEqual(self.client.get(url).status_code, 200)
        response = self.client.post(url, {"locales": [self.spanish.pk]})
        translation = self.english.get_translation(self.spanish)
        self.assertRedirects(
            response, f"/admin/pages/{translation.pk}/edit/", fetch_redirect_response=False
        )
        return translation

    def write(self, translation, spanish=SPANISH):
        """The editor types the Spanish of each field in the translation editor, which saves
        each as it is typed."""
        response = self.client.get(f"/admin/pages/{translation.pk}/edit/")
        self.assertEqual(response.status_code, 200)
        page = self.get_soup(response.content)
        props = json.loads(page.select_one(".js-translation-editor")["data-props"])
        written = set()
        for segment in props["segments"]:
            field = segment["contentPath"].split(".")[0]
            if segment["type"] == "string" and field in spanish:
                saved = self.client.put(
                    segment["editUrl"],
                    urllib.parse.urlencode({"value": spanish[field]}),
                    content_type="application/x-www-form-urlencoded",
                )
                self.assertIn(saved.status_code, (200, 201), field)
                written.add(field)
        self.assertEqual(written, set(spanish))
        return page

    def upload_po(self, translation, spanish):
        """The translator downloads the translation's PO file, translates these fields in it
        and uploads it, as the translation editor's "Upload PO file" does."""
        localize = Translation.objects.get(
            source__object_id=translation.translation_key, target_locale=translation.locale
        )
        po = polib.pofile(
            self.client.get(
                f"/admin/localize/translate/{localize.pk}/pofile/download/"
            ).content.decode()
        )
        for entry in po:
            if entry.msgctxt in spanish:
                entry.msgstr = spanish[entry.msgctxt]
        upload = SimpleUploadedFile("translation.po", str(po).encode(), "text/x-gettext")
        response = self.client.post(
            f"/admin/localize/translate/{localize.pk}/pofile/upload/",
            {"file": upload, "next": f"/admin/pages/{translation.pk}/edit/"},
            follow=True,
        )
        self.assertContains(response, "Successfully imported translations from PO File.")

    def test_an_editor_translates_and_a_moderator_publishes_the_translation(self):
        self.client.force_login(self.editor)
        translation = self.translate()
        # A draft: nothing half in English is shown under /es/.
        self.assertFalse(translation.live)
        self.assertEqual(translation.get_parent().url, "/es/sobre-nosotros/")
        self.assertEqual(self.client.get("/es/sobre-nosotros/annual-reports/").status_code, 404)

        editor_page = self.write(translation)
        # The editor may not publish it, and is offered moderation instead.
        button = editor_page.select_one("form.translation-submit button[name=action-submit]")
        self.assertEqual(button.get_text(strip=True), "Submit for moderation")
        edit_url = f"/admin/pages/{translation.pk}/edit/"
        refused = self.client.post(edit_url, {"action": "publish"})
        self.assertRedirects(refused, "/admin/", fetch_redirect_response=False)
        self.assertFalse(Page.objects.get(pk=translation.pk).live)

        response = self.client.post(edit_url, {"action-submit": "1"})
        self.assertRedirects(response, edit_url, fetch_redirect_response=False)
        translation = Page.objects.get(pk=translation.pk).specific
        state = translation.current_workflow_state
        self.assertEqual(state.status, WorkflowState.STATUS_IN_PROGRESS)
        self.assertEqual(state.requested_by, self.editor)
        self.assertFalse(translation.live)
        self.assertEqual(translation.get_latest_revision_as_object().title, "Informes anuales")
        self.assertEqual(self.client.get("/es/sobre-nosotros/informes-anuales/").status_code, 404)

        # The moderator approves it, and it is published, in Spanish.
        self.client.force_login(self.moderator)
        task_state = state.current_task_state
        response = self.client.post(
            f"/admin/pages/workflow/action/{translation.pk}/approve/{task_state.pk}/",
            {"comment": ""},
        )
        self.assertIn(response.status_code, (200, 302))
        translation.refresh_from_db()
        self.assertTrue(translation.live)
        response = self.client.get("/es/sobre-nosotros/informes-anuales/")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["Content-Language"], "es")
        main = self.get_soup(response.content).main
        self.assertEqual(main.h1.get_text(strip=True), "Informes anuales")
        self.assertIn("Aquí publicamos los informes anuales del PSG.", main.get_text())
        self.assertNotIn("annual reports", main.get_text())
        # The English page is as it was.
        self.assertContains(self.client.get("/about-us/annual-reports/"), "Annual reports")

    def test_a_moderator_publishes_a_translation_from_the_translation_editor(self):
        self.client.force_login(self.moderator)
        translation = self.translate()
        self.write(translation)
        # wagtail-localize publishes once the transaction commits.
        with self.captureOnCommitCallbacks(execute=True):
            response = self.client.post(
                f"/admin/pages/{translation.pk}/edit/", {"action": "publish"}
            )
        self.assertEqual(response.status_code, 302)
        response = self.client.get("/es/sobre-nosotros/informes-anuales/")
        self.assertContains(response, "<h1>Informes anuales</h1>", html=True)

    def test_readers_see_the_page_in_english_only_until_it_is_translated(self):
        self.assertEqual(self.client.get("/about-us/annual-reports/").status_code, 200)
        self.assertEqual(self.client.get("/es/sobre-nosotros/annual-reports/").status_code, 404)

    def test_a_go_live_date_on_a_spanish_page_works_as_on_an_english_one(self):
        """In Wagtail's page editor, where a Spanish page is edited (the day-one pages, or one
        whose synced translation was stopped): the translation editor has no schedule."""
        about = AboutPage.objects.get(slug="sobre-nosotros")
        self.client.force_login(self.moderator)
        data = edit_form(self.client, about, [paragraph("<p>Quiénes somos y qué hacemos.</p>")])
        data.update({"title": "Quiénes somos", "go_live_at": "01/07/2030 10:05"})
        self.client.post(f"/admin/pages/{about.pk}/edit/", {**data, "action-publish": "1"})
        heading = lambda: self.get_soup(  # noqa: E731
            self.client.get("/es/sobre-nosotros/").content
        ).h1.get_text(strip=True)
        self.assertEqual(heading(), "Sobre nosotros")
        # The scheduler's pass (manage.py run_scheduler) before and after 10:05 in London.
        for minute, title in [(0, "Sobre nosotros"), (10, "Quiénes somos")]:
            with time_machine.travel(datetime.datetime(2030, 7, 1, 9, minute, tzinfo=datetime.UTC)):
                run_pass()
            self.assertEqual(heading(), title)

    def test_a_translation_sent_back_for_changes_is_submitted_again(self):
        self.client.force_login(self.editor)
        translation = self.translate()
        self.write(translation)
        edit_url = f"/admin/pages/{translation.pk}/edit/"
        self.client.post(edit_url, {"action-submit": "1"})
        state = Page.objects.get(pk=translation.pk).current_workflow_state
        self.client.force_login(self.moderator)
        self.client.post(
            f"/admin/pages/workflow/action/{translation.pk}/reject/{state.current_task_state.pk}/",
            {"comment": "Falta un acento."},
        )
        state.refresh_from_db()
        self.assertEqual(state.status, WorkflowState.STATUS_NEEDS_CHANGES)

        self.client.force_login(self.editor)
        page = self.get_soup(self.client.get(edit_url).content)
        self.assertIsNotNone(page.select_one("form.translation-submit"))
        self.client.post(edit_url, {"action-submit": "1"})
        state.refresh_from_db()
        self.assertEqual(state.status, WorkflowState.STATUS_IN_PROGRESS)
        self.assertEqual(Page.objects.get(pk=translation.pk).current_workflow_state, state)

    def test_a_moderator_schedules_a_translation_and_it_goes_live_at_its_time(self):
        self.client.force_login(self.moderator)
        translation = self.translate()
        editor_page = self.write(translation)
        form = editor_page.select_one("form.translation-submit")
        self.assertEqual(
            form.select_one("label[for=id_go_live_at]").get_text(strip=True), "Go live at:"
        )
        self.assertEqual(form.select_one("#id_go_live_at")["type"], "datetime-local")
        self.assertIn("Times are in the Europe/London time zone.", form.get_text())
        edit_url = f"/admin/pages/{translation.pk}/edit/"
        # 10:05 in London is 09:05 UTC in summer.
        response = self.client.post(
            edit_url, {"action-schedule": "1", "go_live_at": "2030-07-01T10:05"}, follow=True
        )
        self.assertContains(
            response,
            "Page &#x27;Informes anuales&#x27; is scheduled to go live on "
            "Monday 1 July 2030, 10:05 (Europe/London).",
        )
        translation = Page.objects.get(pk=translation.pk)
        self.assertFalse(translation.live)
        revision = translation.scheduled_revision
        self.assertEqual(revision, translation.latest_revision)
        self.assertEqual(
            revision.approved_go_live_at, datetime.datetime(2030, 7, 1, 9, 5, tzinfo=datetime.UTC)
        )
        log = PageLogEntry.objects.get(page=translation, action="wagtail.publish.schedule")
        self.assertEqual(log.user, self.moderator)
        self.assertEqual(log.revision, revision)
        # The translator sees the schedule, on the admin's clock.
        form = self.get_soup(self.client.get(edit_url).content).select_one(
            "form.translation-submit"
        )
        self.assertIn(
            "Scheduled to go live on Monday 1 July 2030, 10:05 (Europe/London).", form.get_text()
        )
        self.assertEqual(form.select_one("#id_go_live_at")["value"], "2030-07-01T10:05")

        url = "/es/sobre-nosotros/informes-anuales/"
        for minute, status in [(0, 404), (10, 200)]:
            with time_machine.travel(datetime.datetime(2030, 7, 1, 9, minute, tzinfo=datetime.UTC)):
                run_pass()
            self.assertEqual(self.client.get(url).status_code, status)
        self.assertContains(self.client.get(url), "<h1>Informes anuales</h1>", html=True)

    def test_a_change_scheduled_to_a_published_translation_waits_for_its_time(self):
        self.client.force_login(self.moderator)
        translation = self.translate()
        self.write(translation)
        edit_url = f"/admin/pages/{translation.pk}/edit/"
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(edit_url, {"action": "publish"})
        self.write(translation, {"title": "Informes del año"})
        self.client.post(edit_url, {"action-schedule": "1", "go_live_at": "2030-07-01T10:05"})
        url = "/es/sobre-nosotros/informes-anuales/"
        # Readers see the published text until the change's time comes.
        heading = lambda: self.get_soup(self.client.get(url).content).h1.get_text()  # noqa: E731
        self.assertEqual(heading(), "Informes anuales")
        translation = Page.objects.get(pk=translation.pk)
        self.assertTrue(translation.has_unpublished_changes)
        self.assertEqual(translation.draft_title, "Informes del año")
        with time_machine.travel(datetime.datetime(2030, 7, 1, 9, 10, tzinfo=datetime.UTC)):
            run_pass()
        self.assertEqual(heading(), "Informes del año")

    def test_an_editor_submits_a_translation_with_a_go_live_time_and_approval_schedules_it(self):
        self.client.force_login(self.editor)
        translation = self.translate()
        editor_page = self.write(translation)
        self.assertIsNone(editor_page.select_one("button[name=action-schedule]"))
        self.client.post(
            f"/admin/pages/{translation.pk}/edit/",
            {
                "action-submit": "1",
                "go_live_at": "2030-07-01T10:05",
                "expire_at": "2030-12-31T17:00",
            },
        )
        state = Page.objects.get(pk=translation.pk).current_workflow_state
        self.assertEqual(state.status, WorkflowState.STATUS_IN_PROGRESS)

        self.client.force_login(self.moderator)
        self.client.post(
            f"/admin/pages/workflow/action/{translation.pk}/approve/{state.current_task_state.pk}/",
            {"comment": ""},
        )
        translation = Page.objects.get(pk=translation.pk)
        self.assertFalse(translation.live)
        self.assertEqual(
            translation.scheduled_revision.approved_go_live_at,
            datetime.datetime(2030, 7, 1, 9, 5, tzinfo=datetime.UTC),
        )
        self.assertEqual(self.client.get("/es/sobre-nosotros/informes-anuales/").status_code, 404)
        with time_machine.travel(datetime.datetime(2030, 7, 1, 9, 10, tzinfo=datetime.UTC)):
            run_pass()
        translation.refresh_from_db()
        self.assertTrue(translation.live)
        # In winter, London's clock is UTC's.
        self.assertEqual(
            translation.expire_at, datetime.datetime(2030, 12, 31, 17, 0, tzinfo=datetime.UTC)
        )

    def test_bad_times_and_missing_rights_store_nothing(self):
        self.client.force_login(self.moderator)
        translation = self.translate()
        self.write(translation)
        edit_url = f"/admin/pages/{translation.pk}/edit/"
        stored = lambda: (  # noqa: E731
            translation.revisions.count(),
            WorkflowState.objects.filter(object_id=str(translation.pk)).count(),
            translation.revisions.filter(approved_go_live_at__isnull=False).count(),
            Page.objects.get(pk=translation.pk).live,
        )
        before = stored()
        soon, later = "2030-07-01T10:05", "2030-08-01T10:05"
        for action, times, message in [
            (
                "action-schedule",
                {"go_live_at": "2020-07-01T10:05"},
                "The go-live time has already passed",
            ),
            (
                "action-submit",
                {"go_live_at": "2020-07-01T10:05"},
                "The go-live time has already passed",
            ),
            ("action-schedule", {"go_live_at": "next Tuesday"}, "The go-live time is not a date"),
            ("action-submit", {"expire_at": "2030-02-31T10:05"}, "The expiry time is not a date"),
            ("action-schedule", {"go_live_at": later, "expire_at": soon}, "must come after"),
            ("action-schedule", {"expire_at": soon}, "Choose when the translation is to go live"),
            (
                "action-submit",
                {"expire_at": "2020-07-01T10:05"},
                "The expiry time has already passed",
            ),
        ]:
            with self.subTest(action=action, times=times):
                response = self.client.post(edit_url, {action: "1", **times}, follow=True)
                self.assertEqual(response.redirect_chain, [(edit_url, 302)])
                self.assertContains(response, message)
                self.assertEqual(stored(), before)

        # An editor may submit but not publish, so may not schedule: refused as the admin
        # refuses what a user may not do (PermissionDenied, which it answers with its home).
        self.client.force_login(self.editor)
        response = self.client.post(
            edit_url, {"action-schedule": "1", "go_live_at": soon}, follow=True
        )
        self.assertEqual(response.redirect_chain, [("/admin/", 302)])
        self.assertContains(response, "Sorry, you do not have permission to access this area.")
        self.assertEqual(stored(), before)

    def test_a_translation_the_page_cannot_take_is_neither_submitted_nor_scheduled(self):
        """A translated slug longer than a page's slug may be: Wagtail refuses the draft, and the
        translator is told why, back in the translation editor, with nothing stored."""
        self.client.force_login(self.moderator)
        translation = self.translate()
        self.write(translation)
        edit_url = f"/admin/pages/{translation.pk}/edit/"
        with self.captureOnCommitCallbacks(execute=True):
            self.client.post(edit_url, {"action": "publish"})
        # The translation editor and a PO file's upload refuse a slug that long; one stored
        # before they did, or by a tool writing wagtail-localize's strings, reaches the draft.
        slug = "-".join(["informes-anuales-del-peru-support-group"] * 7)
        StringTranslation.objects.filter(
            locale=self.spanish,
            context__path="slug",
            context__object_id=translation.translation_key,
        ).update(data=slug)
        url = "/es/sobre-nosotros/informes-anuales/"
        stored = lambda: (  # noqa: E731
            translation.revisions.count(),
            WorkflowState.objects.filter(object_id=str(translation.pk)).count(),
            translation.revisions.filter(approved_go_live_at__isnull=False).count(),
            Page.objects.filter(pk=translation.pk).values_list("title", "slug").get(),
            self.get_soup(self.client.get(url).content).h1.get_text(),
        )
        before = stored()
        self.assertEqual(before[-1], "Informes anuales")
        for user, action, refused in [
            (self.editor, "action-submit", "was not submitted for moderation"),
            (self.moderator, "action-schedule", "was not scheduled"),
        ]:
            with self.subTest(action=action):
                self.client.force_login(user)
                response = self.client.post(
                    edit_url, {action: "1", "go_live_at": "2030-07-01T10:05"}, follow=True
                )
                self.assertEqual(response.redirect_chain, [(edit_url, 302)])
                self.assertContains(
                    response,
                    f"The translation of &#x27;Annual reports&#x27; {refused}: it is not valid. "
                    f"Slug: Ensure this value has at most 255 characters (it has {len(slug)}).",
                )
                self.assertEqual(stored(), before)

        # A translator whose admin speaks Spanish is told in Spanish, the field named as
        # Wagtail names it there.
        profile = UserProfile.get_for_user(self.editor)
        profile.preferred_language = "es"
        profile.save()
        self.client.force_login(self.editor)
        response = self.client.post(edit_url, {"action-submit": "1"}, follow=True)
        self.assertContains(
            response,
            "La traducción de «Annual reports» no se ha enviado a moderación: no es válida. "
            "Marquilla: Asegúrese de que este valor tenga menos de 255 caracteres "
            f"(tiene {len(slug)}).",
        )
        self.assertEqual(stored(), before)

    def test_a_translation_too_long_for_its_field_is_refused_and_nothing_is_stored(self):
        """The translation editor saves each string as it is typed; one that its field cannot
        hold (a page's title and slug have at most 255 characters) is refused with the reason,
        which the editor shows by the string, and neither the translation nor the page changes,
        on PostgreSQL (which would refuse the title) as on SQLite (which would keep it)."""
        self.client.force_login(self.editor)
        translation = self.translate()
        editor_page = self.write(translation)
        props = json.loads(editor_page.select_one(".js-translation-editor")["data-props"])
        edit_urls = {
            segment["contentPath"]: segment["editUrl"]
            for segment in props["segments"]
            if segment["type"] == "string"
        }
        stored = lambda: (  # noqa: E731
            list(StringTranslation.objects.filter(locale=self.spanish).order_by("pk").values()),
            Page.objects.filter(pk=translation.pk).values().get(),
        )
        before = stored()
        for field, label in [("title", "title"), ("slug", "slug")]:
            with self.subTest(field=field):
                # The editor sends each string as a form, as the translation editor does.
                response = self.client.put(
                    edit_urls[field],
                    encode_multipart(BOUNDARY, {"value": "informes " * 30}),
                    content_type=MULTIPART_CONTENT,
                )
                self.assertEqual(response.status_code, 400)
                self.assertEqual(
                    response.json()["error"],
                    f"Not saved: the {label} can have at most 255 characters, "
                    "and this translation has 270.",
                )
                self.assertEqual(stored(), before)

        # Without the string there is nothing to save.
        response = self.client.put(edit_urls["title"], "", content_type=MULTIPART_CONTENT)
        self.assertEqual(response.status_code, 400)
        self.assertEqual(stored(), before)

        # One that fits is saved as before, up to the field's limit.
        self.write(translation, {"title": "x" * 255})
        self.assertEqual(Page.objects.get(pk=translation.pk).draft_title, "x" * 255)

    def test_a_po_file_the_translation_cannot_take_is_refused_and_nothing_is_imported(self):
        """A translator may download a translation's PO file, translate it offline and upload
        it. A file that cannot be imported whole is refused with the reason, back in the
        translation editor, and nothing of it is imported; one that can is imported."""
        self.client.force_login(self.editor)
        translation = self.translate()
        self.write(translation)
        localize = Translation.objects.get(
            source__object_id=translation.translation_key, target_locale=self.spanish
        )
        address = f"/admin/localize/translate/{localize.pk}/pofile/"
        edit_url = f"/admin/pages/{translation.pk}/edit/"
        downloaded = self.client.get(address + "download/").content.decode()

        def po_file(metadata=True, **fields):
            po = polib.pofile(downloaded)
            for entry in po:
                entry.msgstr = fields.get(entry.msgctxt, entry.msgstr)
            if not metadata:
                del po.metadata["X-WagtailLocalize-TranslationID"]
            return SimpleUploadedFile("traduccion.po", str(po).encode(), "text/x-gettext")

        stored = lambda: (  # noqa: E731
            list(StringTranslation.objects.filter(locale=self.spanish).order_by("pk").values()),
            Page.objects.filter(pk=translation.pk).values_list("title", "draft_title").get(),
            translation.revisions.count(),
        )
        before = stored()
        long_title = "informes " * 30
        for case, file, reason in [
            ("no file", None, "No file was uploaded: choose the PO file to upload."),
            (
                "not a PO file",
                SimpleUploadedFile("notas.po", b"These are my notes.\n", "text/x-gettext"),
                "Please upload a valid PO file.",
            ),
            (
                "not text",
                SimpleUploadedFile("foto.po", b"\xff\xd8\xff\xe0 JFIF", "text/x-gettext"),
                "Please upload a valid PO file.",
            ),
            (
                "no translation named",
                po_file(metadata=False, summary="Otro resumen."),
                "This PO file names no translation: upload the PO file downloaded from this "
                "translation, with its translations written in.",
            ),
            (
                "a title too long",
                po_file(title=long_title, summary="Otro resumen."),
                "Nothing was imported: in the PO file, the title has 270 characters, and it "
                "can have at most 255.",
            ),
        ]:
            with self.subTest(case):
                data = {"next": edit_url} if file is None else {"file": file, "next": edit_url}
                response = self.client.post(address + "upload/", data, follow=True)
                self.assertEqual(response.redirect_chain, [(edit_url, 302)])
                self.assertContains(response, escape(reason))
                self.assertEqual(stored(), before)

        # Only a POST uploads; a visitor who is not logged in is asked to.
        self.assertEqual(self.client.get(address + "upload/").status_code, 405)
        self.client.logout()
        response = self.client.post(address + "upload/", {"file": po_file(summary="Otro.")})
        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/admin/login/"))
        self.assertEqual(stored(), before)

        # A file that fits is imported, up to the field's limit.
        self.client.force_login(self.editor)
        self.upload_po(translation, {"title": "x" * 255, "summary": "Otro resumen."})
        self.assertEqual(Page.objects.get(pk=translation.pk).draft_title, "x" * 255)
        self.assertIn(
            "Otro resumen.",
            StringTranslation.objects.filter(locale=self.spanish).values_list("data", flat=True),
        )
