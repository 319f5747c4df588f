"""Scheduling in the page editor without surprises: the dialog says how to type a time and on
which clock, minutes are kept, a mistyped time is refused rather than taken as now, and
publishing or approving with a future go-live says when the page goes live."""

import datetime
import html

from django.contrib.messages import get_messages

from wagtail.models import Revision

from tests.editorial import EditorialTestCase, edit_form, paragraph


def at(*utc):
    return datetime.datetime(*utc, tzinfo=datetime.UTC)


def messages_of(client):
    """The text of each message that the next page shows, without its buttons."""
    response = client.get("/admin/")
    return [
        html.unescape(str(message)).strip().split("\n")[0]
        for message in get_messages(response.wsgi_request)
    ]


class SchedulingTestCase(EditorialTestCase):
    def post_edit(self, user, page, action, **fields):
        self.client.force_login(user)
        data = edit_form(self.client, page, [paragraph("<p>Embargoed text.</p>")])
        data.update(fields)
        data.update(action)
        return self.client.post(f"/admin/pages/{page.pk}/edit/", data)

    def publish(self, page, **fields):
        return self.post_edit(self.moderator, page, {"action-publish": "1"}, **fields)

    def submit(self, page, **fields):
        return self.post_edit(self.editor, page, {"action-submit": "1"}, **fields)

    def workflow_action(self, page, name):
        return self.post_edit(
            self.moderator,
            page,
            {"action-workflow-action": "1", "workflow-action-name": name},
        )


class MistypedTimesTests(SchedulingTestCase):
    def assert_refused(self, value):
        revisions = Revision.objects.count()
        response = self.publish(self.story, go_live_at=value)
        self.assertEqual(response.status_code, 200, value)
        self.assertContains(response, "The page could not be saved due to validation errors")
        self.assertEqual(
            response.context["form"].errors["go_live_at"], ["Enter a valid date/time."]
        )
        # Nothing stored: no revision, no schedule, and the page is live as it was.
        self.assertEqual(Revision.objects.count(), revisions)
        self.story.refresh_from_db()
        self.assertIsNone(self.story.go_live_at)
        self.assertTrue(self.story.live)
        self.assertFalse(Revision.objects.filter(approved_go_live_at__isnull=False).exists())
        # What was typed is still there to correct, and the status panel says the schedule is
        # wrong.
        self.assertContains(response, f'value="{value}"')
        self.assertContains(response, "Invalid schedule")

    def test_a_day_that_does_not_exist(self):
        self.assert_refused("31/02/2027 10:00")

    def test_an_hour_past_midnight(self):
        self.assert_refused("01/07/2027 25:00")

    def test_words(self):
        self.assert_refused("tomorrow at ten")

    def test_a_month_first_date(self):
        # 07/31 would be the 31st of July to an American: in the UK it is no date at all.
        self.assert_refused("07/31/2027 10:00")

    def test_saving_a_draft_with_a_mistyped_expiry_is_refused_too(self):
        revisions = Revision.objects.count()
        response = self.post_edit(self.moderator, self.story, {}, expire_at="32/12/2030 10:00")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.context["form"].errors["expire_at"], ["Enter a valid date/time."])
        self.assertEqual(Revision.objects.count(), revisions)


class MinutesInUkTimeTests(SchedulingTestCase):
    def scheduled(self, value):
        response = self.publish(self.story, go_live_at=value)
        self.assertEqual(response.status_code, 302)
        return Revision.objects.get(approved_go_live_at__isnull=False).approved_go_live_at

    def test_minutes_in_summer_time(self):
        self.assertEqual(self.scheduled("01/07/2027 10:05"), at(2027, 7, 1, 9, 5))

    def test_minutes_in_winter(self):
        self.assertEqual(self.scheduled("14/01/2027 10:37"), at(2027, 1, 14, 10, 37))

    def test_the_first_minutes_of_summer_time(self):
        # Clocks go forward at 01:00 GMT on Sunday 28 March 2027: 02:01 BST is 01:01 UTC.
        self.assertEqual(self.scheduled("28/03/2027 02:01"), at(2027, 3, 28, 1, 1))

    def test_the_last_minutes_of_summer_time(self):
        # Clocks go back at 01:00 GMT on Sunday 31 October 2027; 00:59 BST is 23:59 UTC.
        self.assertEqual(self.scheduled("31/10/2027 00:59"), at(2027, 10, 30, 23, 59))

    def test_the_dialog_says_how_to_type_a_time(self):
        self.client.force_login(self.moderator)
        response = self.client.get(f"/admin/pages/{self.story.pk}/edit/")
        self.assertContains(response, "Times are UK time (Europe/London)")
        self.assertContains(
            response,
            "Type day/month/year and the time on the 24-hour clock, to the minute: "
            "for example 01/07/2027 14:05",
        )
        # The picker's options: times by the five minutes, and a value it cannot read left as
        # typed for the form to refuse.
        self.assertContains(response, 'src="/static/js/admin/datetime.js"')


class ScheduledMessageTests(SchedulingTestCase):
    title = "Minas Conga referendum plans disputed"

    def test_publishing_with_a_future_go_live_says_when(self):
        self.publish(self.story, go_live_at="01/07/2030 10:05")
        self.assertEqual(
            messages_of(self.client)[-1],
            f"'{self.title}' is scheduled to go live on 1 July 2030, 10:05 (UK time).",
        )
        shown = "\n".join(messages_of(self.client))
        self.assertNotIn("has been scheduled for publishing", shown)
        self.assertNotIn("has been updated", shown)

    def test_the_message_is_shown_on_the_next_page(self):
        self.publish(self.story, go_live_at="14/01/2030 09:30")
        response = self.client.get(f"/admin/pages/{self.index.pk}/")
        self.assertContains(
            response, "is scheduled to go live on 14 January 2030, 09:30 (UK time)."
        )

    def test_approving_with_a_future_go_live_says_when(self):
        self.submit(self.story, go_live_at="01/07/2030 10:05")
        self.assertFalse(Revision.objects.filter(approved_go_live_at__isnull=False).exists())
        response = self.workflow_action(self.story, "approve")
        self.assertEqual(response.status_code, 302)
        self.assertEqual(
            Revision.objects.get(approved_go_live_at__isnull=False).approved_go_live_at,
            at(2030, 7, 1, 9, 5),
        )
        shown = messages_of(self.client)
        self.assertEqual(
            shown[-1], f"'{self.title}' is scheduled to go live on 1 July 2030, 10:05 (UK time)."
        )
        self.assertNotIn("has been updated", "\n".join(shown))

    def test_publishing_without_a_go_live_says_published(self):
        self.publish(self.story)
        shown = "\n".join(messages_of(self.client))
        self.assertIn(f"Page '{self.title}' has been published.", shown)
        self.assertNotIn("scheduled", shown)

    def test_asking_for_changes_does_not_say_scheduled(self):
        self.submit(self.story, go_live_at="01/07/2030 10:05")
        self.workflow_action(self.story, "reject")
        shown = "\n".join(messages_of(self.client))
        self.assertNotIn("scheduled to go live", shown)
        self.assertIn("has been updated", shown)

    def test_saving_a_draft_with_a_go_live_does_not_say_scheduled(self):
        self.post_edit(self.moderator, self.story, {}, go_live_at="01/07/2030 10:05")
        shown = "\n".join(messages_of(self.client))
        self.assertNotIn("scheduled to go live", shown)
        self.assertFalse(Revision.objects.filter(approved_go_live_at__isnull=False).exists())

    def test_other_messages_are_kept(self):
        # The message of a draft saved a moment before, not yet shown, stays beside the new one.
        self.client.force_login(self.moderator)
        data = edit_form(self.client, self.story, [paragraph("<p>Embargoed text.</p>")])
        url = f"/admin/pages/{self.story.pk}/edit/"
        self.assertEqual(self.client.post(url, data).status_code, 302)
        data.update({"go_live_at": "01/07/2030 10:05", "action-publish": "1"})
        self.assertEqual(self.client.post(url, data).status_code, 302)
        self.assertEqual(
            messages_of(self.client),
            [
                f"Page '{self.title}' has been updated.",
                f"'{self.title}' is scheduled to go live on 1 July 2030, 10:05 (UK time).",
            ],
        )
