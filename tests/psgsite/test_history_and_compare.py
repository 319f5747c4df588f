"""A page's history that reads (autosaves do not flood it), and a compare view that names the
blocks it shows and explains its colours."""

import json

from bs4 import BeautifulSoup

from wagtail.models import PageLogEntry

from tests.editorial import EditorialTestCase, edit_form, paragraph

AUTOSAVE = {"HTTP_ACCEPT": "application/json"}


def history_rows(client, page):
    """Each row of the page's history as a person reads it: its action (with "Current draft"
    or "Live version" where shown), the line under it, and who."""
    response = client.get(f"/admin/pages/{page.pk}/history/")
    assert response.status_code == 200
    soup = BeautifulSoup(response.content, "html.parser")
    rows = []
    for row in soup.select("table.listing tbody tr"):
        cells = row.find_all("td")
        action = cells[0].select_one("div.w-gap-2").get_text(" ", strip=True)
        summary = cells[0].select_one(".w-help-text")
        rows.append(
            (
                " ".join(action.split()),
                summary.get_text(strip=True) if summary else "",
                cells[1].get_text(strip=True),
            )
        )
    return rows


class HistoryTestCase(EditorialTestCase):
    def url(self, page):
        return f"/admin/pages/{page.pk}/edit/"

    def visit_and_autosave(self, page, user, times=1, text="Draft"):
        """Opens the editor and lets it save by itself `times` times as the person types, as
        the editor's script does: the first save makes a revision, the others overwrite it."""
        self.client.force_login(user)
        data = edit_form(self.client, page, [paragraph(f"<p>{text}</p>")])
        revision_id = None
        for n in range(times):
            data.update({"title": f"{page.title}"})
            if revision_id:
                data["overwrite_revision_id"] = str(revision_id)
            data.update(edit_form_body(f"{text} {n}"))
            response = self.client.post(self.url(page), data, **AUTOSAVE)
            assert response.status_code == 200, response.content
            body = response.json()
            assert body["success"], body
            revision_id = body["revision_id"]

    def save_draft(self, page, user, text="Saved by hand"):
        self.client.force_login(user)
        data = edit_form(self.client, page, [paragraph(f"<p>{text}</p>")])
        self.assertEqual(self.client.post(self.url(page), data).status_code, 302)

    def publish(self, page, user):
        self.client.force_login(user)
        data = edit_form(self.client, page, [paragraph("<p>Final text.</p>")])
        data["action-publish"] = "1"
        self.assertEqual(self.client.post(self.url(page), data).status_code, 302)


def edit_form_body(text):
    from wagtail.test.utils.form_data import nested_form_data, streamfield

    return nested_form_data({"body": streamfield([paragraph(f"<p>{text}</p>")])})


class AutosaveHistoryTests(HistoryTestCase):
    def setUp(self):
        self.client.force_login(self.moderator)
        self.before = history_rows(self.client, self.story)

    def added_rows(self):
        rows = history_rows(self.client, self.story)
        self.assertEqual(rows[-1], self.before[-1])  # the page's creation, as before
        return rows[: len(rows) - len(self.before)]

    def test_fifteen_autosaves_and_a_publication_make_a_short_history(self):
        for visit in range(15):
            self.visit_and_autosave(self.story, self.editor, text=f"Visit {visit}")
        self.publish(self.story, self.moderator)
        self.client.force_login(self.moderator)
        # Newest first: the moderator's publication and the draft it saved, then the editor's
        # fifteen autosaves, from fifteen visits to the editor, as one row.
        rows = self.added_rows()
        self.assertEqual(
            [(action, user) for action, summary, user in rows],
            [
                ("Published Live version", "mo"),
                ("Draft saved Current draft", "mo"),
                ("Draft saved", "edna"),
            ],
        )
        self.assertRegex(
            rows[2][1], r"^Saved automatically 15 times since \d+ December 2026, \d\d:\d\d"
        )
        # Every save is still recorded; the history shows the run as one row.
        self.assertEqual(PageLogEntry.objects.filter(page=self.story, user=self.editor).count(), 15)

    def test_autosaves_within_one_visit_count_too(self):
        self.visit_and_autosave(self.story, self.editor, times=4)
        self.visit_and_autosave(self.story, self.editor, times=3)
        rows = self.added_rows()
        self.assertEqual(len(rows), 1, rows)
        self.assertTrue(rows[0][1].startswith("Saved automatically 7 times since"), rows)

    def test_saves_by_hand_and_by_others_keep_rows_of_their_own(self):
        self.visit_and_autosave(self.story, self.editor, times=2)
        self.save_draft(self.story, self.editor)
        self.visit_and_autosave(self.story, self.editor, times=2)
        self.visit_and_autosave(self.story, self.moderator, times=1)
        self.visit_and_autosave(self.story, self.editor, times=1)
        self.client.force_login(self.moderator)
        self.assertEqual(
            [
                (action, summary.split(" since")[0], user)
                for action, summary, user in self.added_rows()
            ],
            [
                ("Draft saved Current draft", "Saved automatically as it was typed.", "edna"),
                ("Draft saved", "Saved automatically as it was typed.", "mo"),
                ("Draft saved", "Saved automatically 2 times", "edna"),
                ("Draft saved", "", "edna"),
                ("Draft saved", "Saved automatically 2 times", "edna"),
            ],
        )

    def test_a_revert_and_an_approval_keep_rows_of_their_own(self):
        self.visit_and_autosave(self.story, self.editor, times=2)
        first = self.story.revisions.order_by("created_at").first()
        self.client.force_login(self.editor)
        revert = edit_form(self.client, self.story, [paragraph("<p>Old text.</p>")])
        revert["revision"] = str(first.pk)
        self.client.post(f"/admin/pages/{self.story.pk}/edit/?revision={first.pk}", revert)
        self.visit_and_autosave(self.story, self.editor, times=1)
        self.client.force_login(self.editor)
        data = edit_form(self.client, self.story, [paragraph("<p>For approval.</p>")])
        data["action-submit"] = "1"
        self.assertEqual(self.client.post(self.url(self.story), data).status_code, 302)
        self.client.force_login(self.moderator)
        data = edit_form(self.client, self.story, [paragraph("<p>For approval.</p>")])
        data.update({"action-workflow-action": "1", "workflow-action-name": "approve"})
        self.assertEqual(self.client.post(self.url(self.story), data).status_code, 302)
        actions = [action for action, summary, user in self.added_rows()]
        self.assertIn("Published Live version", actions)
        self.assertTrue(any(action.startswith("Approved at") for action in actions), actions)
        self.assertTrue(any("Workflow" in a or "started" in a for a in actions), actions)
        self.assertGreaterEqual(actions.count("Draft saved"), 2, actions)


class CompareTests(EditorialTestCase):
    def revision(self, blocks):
        page = self.story.specific
        page.body = json.dumps([{"type": t, "value": v, "id": i} for i, t, v in blocks])
        return page.save_revision(user=self.editor, log_action=True)

    def compare(self, older, newer):
        self.client.force_login(self.editor)
        response = self.client.get(
            f"/admin/pages/{self.story.pk}/revisions/compare/{older.pk}...{newer.pk}/"
        )
        self.assertEqual(response.status_code, 200)
        return BeautifulSoup(response.content, "html.parser")

    def test_each_block_is_named_and_says_what_happened_to_it(self):
        heading = ("h", "heading", {"text": "Farmers march", "level": "h2"})
        older = self.revision(
            [
                heading,
                ("p", "paragraph", "<p>Police cleared the road.</p>"),
                ("q", "quote", {"quote": "Water yes, gold no.", "attribution": "Marchers"}),
            ]
        )
        newer = self.revision(
            [
                heading,
                ("p", "paragraph", "<p>Police cleared the square.</p>"),
                ("n", "paragraph", "<p>A new paragraph.</p>"),
            ]
        )
        soup = self.compare(older, newer)
        blocks = soup.select("td.comparison .comparison__child-object")
        described = [
            (
                " ".join(block.select_one(".comparison__block-name").get_text(" ").split()),
                block.get("class"),
            )
            for block in blocks
        ]
        self.assertEqual(
            described,
            [
                ("Heading (unchanged)", ["comparison__child-object"]),
                ("Text (changed)", ["comparison__child-object"]),
                ("Text (added)", ["comparison__child-object", "addition"]),
                ("Quote (removed)", ["comparison__child-object", "deletion"]),
            ],
        )
        changed = blocks[1]
        self.assertEqual(changed.select_one("span.deletion").get_text(), "road.")
        self.assertEqual(changed.select_one("span.addition").get_text(), "square.")
        self.assertIn("Water yes, gold no.", blocks[3].get_text())

    def test_the_key_explains_the_colours(self):
        older = self.revision([("p", "paragraph", "<p>One.</p>")])
        newer = self.revision([("p", "paragraph", "<p>Two.</p>")])
        soup = self.compare(older, newer)
        key = soup.find("section", attrs={"aria-labelledby": "comparison-key-heading"})
        self.assertEqual(key.find("h2").get_text(), "Key")
        items = [" ".join(li.get_text(" ").split()) for li in key.find_all("li")]
        self.assertEqual(items[0], "Underlined on green : words added in the newer version")
        self.assertEqual(items[1], "Struck through on red : words removed from the older version")
        self.assertTrue(items[2].startswith("Added and Removed : a whole block"))
        self.assertEqual(key.select_one("span.addition").get_text(), "Underlined on green")
        self.assertEqual(key.select_one("span.deletion").get_text(), "Struck through on red")
        # The key comes before the changes it explains.
        self.assertLess(
            str(soup).index("comparison-key-heading"), str(soup).index("comparison__block-name")
        )
        # The colours are not all that tells them apart: the admin's stylesheet underlines and
        # strikes through.
        self.assertIn('href="/static/css/admin.css"', str(soup))
