"""The editor's tools as staff click through them: scheduling to the minute, a mistyped time
refused, a history without a flood of autosaves, a compare view that names blocks, the
launch checklist on a moderator's dashboard, and a translated title too long for a title refused
in the translation editor with the reason."""

import json
import re

import pytest
from playwright.sync_api import expect
from wagtail_localize.models import StringTranslation, Translation, TranslationSource

from wagtail.models import Locale, Page

from about.models import AboutPage
from home.models import SiteSettings
from news.models import NewsPage
from psgsite.roles import EDITORS, MODERATORS, set_up_roles
from tests.browser.conftest import log_in
from tests.conftest import wait_until
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def staff(site):
    set_up_roles()
    UserFactory(username="edna", groups=[EDITORS])
    UserFactory(username="mo", groups=[MODERATORS])
    return site


def open_schedule(page, toggle=True):
    if toggle:
        page.get_by_role("button", name="Toggle status").click()
    page.locator("[data-side-panel='status']").get_by_role(
        "button", name=re.compile("^(Set|Edit) schedule$")
    ).click()
    dialog = page.locator("#schedule-publishing-dialog")
    expect(dialog).to_be_visible()
    return dialog


def save_schedule(page, dialog):
    # By keyboard, as the date pickers that open on focus cover the button for a mouse.
    dialog.get_by_role("button", name="Save schedule").focus()
    with page.expect_navigation():
        page.keyboard.press("Enter")


def test_a_moderator_schedules_to_the_minute_and_a_mistyped_time_is_refused(staff, browser):
    story = NewsPage.objects.live().order_by("pk").first()
    moderator = log_in(browser, staff, "mo")
    moderator.goto(f"{staff.url}/admin/pages/{story.pk}/edit/")

    dialog = open_schedule(moderator)
    expect(dialog).to_contain_text("Times are UK time (Europe/London)")
    expect(dialog).to_contain_text("for example 01/07/2027 14:05")
    go_live = moderator.locator("#id_go_live_at")
    go_live.click()
    # The picker offers times by the five minutes, not whole hours alone.
    times = dialog.locator(".xdsoft_datetimepicker:visible .xdsoft_timepicker .xdsoft_time")
    expect(times.filter(has_text=re.compile(r"^10:05$"))).to_have_count(1)
    expect(times).to_have_count(24 * 12)

    # A mistyped time stays as typed when the field is left, and the form refuses it.
    go_live.fill("31/02/2030 10:00")
    go_live.press("Tab")
    expect(go_live).to_have_value("31/02/2030 10:00")
    save_schedule(moderator, dialog)
    expect(moderator.locator(".messages")).to_contain_text(
        "The page could not be saved due to validation errors"
    )
    # The editor opens with its status panel showing the schedule is wrong.
    status = moderator.locator("[data-side-panel='status']")
    expect(status.get_by_text("Invalid schedule")).to_be_visible()
    dialog = open_schedule(moderator, toggle=False)
    expect(dialog).to_contain_text("Enter a valid date/time.")
    expect(moderator.locator("#id_go_live_at")).to_have_value("31/02/2030 10:00")
    story.refresh_from_db()
    assert story.live and story.go_live_at is None

    # Corrected, to the minute, saved and published: the message says when, in UK time.
    moderator.locator("#id_go_live_at").fill("01/07/2030 10:05")
    save_schedule(moderator, dialog)
    expect(moderator.locator(".messages")).to_contain_text("has been updated")
    moderator.get_by_role("button", name="More actions").click()
    with moderator.expect_navigation():
        moderator.get_by_role("button", name="Schedule to publish").click()
    expect(moderator.locator(".messages")).to_contain_text(
        f"'{story.title}' is scheduled to go live on 1 July 2030, 10:05 (UK time)."
    )
    scheduled = story.revisions.get(approved_go_live_at__isnull=False)
    assert scheduled.approved_go_live_at.isoformat() == "2030-07-01T09:05:00+00:00"


def type_in_the_editor(page, site, story, words):
    """Opens the editor, types into the summary and the first text of the body, and waits for
    the editor to save the draft by itself, as it does a moment after a person types."""
    page.goto(f"{site.url}/admin/pages/{story.pk}/edit/")
    # The editor notes the form as it was loaded before it watches for edits (the mark below);
    # typed before then, the words would count as loaded and never be saved.
    expect(page.locator("html[data-watching-edits]")).to_have_count(1)
    summary = page.locator("#id_summary")
    summary.press("End")
    # Pasted, so that the summary is one edit and one save. The person waits for the editor to
    # have saved it before typing on: words typed while that save was on its way would count
    # as saved when its answer came, and be left out of the next.
    page.keyboard.insert_text(words)
    expect(page.locator("html[data-autosaves='1']")).to_have_count(1)
    assert summary_holds(story, words.strip())
    text = page.locator("[data-contentpath='body'] [contenteditable=true]").first
    text.click()
    page.keyboard.press("End")
    page.keyboard.type(words)
    expect(text).to_contain_text(words.strip())
    # The draft is waited for until it holds both, or leaving would lose the body's words. The
    # bound is generous: on a busy machine the editor's saves queue behind the other tests.
    assert wait_until(lambda: draft_holds(story, words.strip()), timeout=90)
    indicator = page.locator("#w-autosave-indicator")
    expect(indicator.get_by_text("Saved", exact=True)).to_be_visible()


def summary_holds(story, words):
    """Whether the page's latest draft has the words in its summary."""
    return words in NewsPage.objects.get(pk=story.pk).get_latest_revision().content["summary"]


def draft_holds(story, words):
    """Whether the page's latest draft has the words in both its summary and its body."""
    content = NewsPage.objects.get(pk=story.pk).get_latest_revision().content
    return words in content["summary"] and words in json.dumps(content["body"])


def watch_for_edits(page):
    """Marks the editor's page once it watches the form for edits (`data-watching-edits`) and
    counts its autosaves (`data-autosaves`). Wagtail's edit form connects its watcher twice as
    it loads, and each takes the form as loaded a moment later: the mark waits for the last."""
    page.add_init_script(
        """(() => {
            let connected = 0, watching = 0, saves = 0;
            const mark = (name, value) => {
                if (value === undefined) delete document.documentElement.dataset[name];
                else document.documentElement.dataset[name] = value;
            };
            document.addEventListener('w-unsaved:ready', () => {
                connected += 1;
                mark('watchingEdits');
            });
            document.addEventListener('w-unsaved:watch-edits', () => {
                watching += 1;
                if (watching >= connected) mark('watchingEdits', 'true');
            });
            document.addEventListener('w-autosave:success', () => {
                saves += 1;
                mark('autosaves', String(saves));
            });
        })();"""
    )


def test_autosaves_do_not_flood_the_history_and_compare_names_the_blocks(staff, browser):
    story = NewsPage.objects.live().order_by("pk").first()
    editor = log_in(browser, staff, "edna")
    watch_for_edits(editor)
    for visit in range(3):
        type_in_the_editor(editor, staff, story, f" Update {visit}.")

    editor.goto(f"{staff.url}/admin/pages/{story.pk}/history/")
    rows = editor.locator("table.listing tbody tr")
    newest = rows.first
    expect(newest).to_contain_text("Draft saved")
    expect(newest).to_contain_text(re.compile(r"Saved automatically \d+ times since"))
    expect(newest).to_contain_text("edna")
    # The page's own history before the editor came (created, saved, published) and one row
    # for all the autosaves.
    expect(rows.filter(has_text="edna")).to_have_count(1)

    newest.get_by_role("button", name="Actions").click()
    with editor.expect_navigation():
        newest.get_by_role("link", name="Compare with previous version").click()
    expect(editor.get_by_role("heading", name="Key")).to_be_visible()
    expect(editor.locator(".psg-comparison-key")).to_contain_text(
        "words added in the newer version"
    )
    expect(editor.locator(".comparison__block-name").first).to_contain_text(
        re.compile(r"^(Text|Heading|Quote|Image) \((changed|unchanged|added|removed)\)$")
    )
    expect(editor.locator(".comparison__block-name", has_text="(changed)")).to_have_count(1)


def test_a_moderator_works_through_the_launch_checklist(staff, browser):
    moderator = log_in(browser, staff, "mo")
    checklist = moderator.locator("#launch-checklist")
    expect(checklist.get_by_role("heading", name="Before the site goes public")).to_be_visible()
    expect(checklist).to_contain_text("No contact email address is set.")
    expect(checklist).to_contain_text("The scheduler has not run in the last 5 minutes")

    with moderator.expect_navigation():
        checklist.get_by_role("link", name="Set the contact email").click()
    moderator.locator("#id_email").fill("info@perusupportgroup.org.uk")
    with moderator.expect_navigation():
        moderator.get_by_role("button", name="Save").click()
    expect(moderator.locator(".messages")).to_contain_text("updated")
    assert SiteSettings.objects.get().email == "info@perusupportgroup.org.uk"

    moderator.goto(f"{staff.url}/admin/")
    expect(checklist).to_be_visible()
    expect(checklist).not_to_contain_text("No contact email address is set.")
    with moderator.expect_navigation():
        checklist.get_by_role("link", name="Review and publish the privacy notice").click()
    expect(moderator.locator("#id_title")).to_have_value("Privacy notice")


def test_a_translated_title_too_long_for_a_title_is_refused_with_the_reason(staff, browser):
    """In wagtail-localize's translation editor, which saves each string as it is typed."""
    english = AboutPage(title="Annual reports", slug="annual-reports", summary="Reports.")
    AboutPage.objects.get(slug="about-us").add_child(instance=english)
    english.save_revision().publish()
    source, _ = TranslationSource.get_or_create_from_instance(english)
    translation = Translation.objects.create(
        source=source, target_locale=Locale.objects.get(language_code="es")
    )
    translation.save_target(publish=False)
    spanish = english.get_translation(translation.target_locale)

    editor = log_in(browser, staff, "edna")
    editor.goto(f"{staff.url}/admin/pages/{spanish.pk}/edit/")
    # The title's field: its name, the English and the Spanish.
    title = editor.locator("li").filter(has=editor.get_by_text("Title", exact=True))
    for words, shown in [
        ("informes " * 30, "Not saved: the title can have at most 255 characters"),
        ("Informes anuales", "Translated manually"),
    ]:
        title.get_by_role("button", name=re.compile("^(Translate|Edit)$")).click()
        title.locator("textarea").fill(words)
        title.get_by_role("button", name="Save").click()
        expect(title).to_contain_text(shown)
        if shown.startswith("Not saved"):
            expect(title).not_to_contain_text("Server error")
            # What was typed stays, to be shortened; the page is as it was.
            expect(title).to_contain_text(words.strip())
            assert Page.objects.get(pk=spanish.pk).draft_title == "Annual reports"
            assert not StringTranslation.objects.filter(locale=translation.target_locale)
    assert Page.objects.get(pk=spanish.pk).draft_title == "Informes anuales"
