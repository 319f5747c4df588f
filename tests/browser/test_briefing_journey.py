"""An editor adds a briefing: its own choice among the page types, its number suggested, and
topics picked from the list that moderators keep."""

import re

import pytest
from playwright.sync_api import expect

from news.models import BriefingPage, NewsIndexPage, Topic
from psgsite.roles import EDITORS, set_up_roles
from tests.browser.conftest import log_in
from tests.conftest import wait_until
from tests.factories import BriefingPageFactory, UserFactory

pytestmark = pytest.mark.browser


def test_an_editor_adds_a_briefing_and_picks_a_topic_from_the_list(site, browser):
    set_up_roles()
    UserFactory(username="edna", groups=[EDITORS])
    index = NewsIndexPage.objects.get()
    BriefingPageFactory(parent=index, title="Briefing on forests", issue_number=17)
    Topic.objects.get_or_create(name="Mining")
    Topic.objects.get_or_create(name="Human rights")

    editor = log_in(browser, site, "edna")
    editor.goto(f"{site.url}/admin/pages/{index.pk}/add_subpage/")
    editor.get_by_role("link", name="Briefing", exact=True).click()

    expect(editor.locator("#id_issue_number")).to_have_value("18")
    expect(editor.get_by_text("The next free number is 18.")).to_be_visible()
    expect(editor.get_by_text("ask a moderator to add a topic")).to_be_visible()
    editor.fill("#id_title", "Briefing on water")
    editor.press("#id_title", "Tab")
    expect(editor.locator("#id_slug")).to_have_value("briefing-on-water")
    editor.fill("#id_summary", "Who owns the rivers.")

    topics = editor.locator("[data-contentpath='topics'] input.ui-widget-content")
    topics.press_sequentially("Min")
    suggestion = editor.locator(".ui-autocomplete .ui-menu-item", has_text="Mining")
    expect(suggestion).to_be_visible()
    suggestion.click()
    chosen = editor.locator("[data-contentpath='topics'] .tagit-choice")
    expect(chosen).to_have_count(1)
    expect(chosen).to_contain_text("Mining")
    # Enter while a suggestion shows takes it.
    topics.press_sequentially("Hum")
    expect(
        editor.locator(".ui-autocomplete .ui-menu-item", has_text="Human rights")
    ).to_be_visible()
    topics.press("Enter")
    expect(chosen).to_have_count(2)
    expect(chosen.nth(1)).to_contain_text("Human rights")
    # A name not on the list is not taken.
    topics.press_sequentially("Waterjunk")
    topics.press("Enter")
    expect(chosen).to_have_count(2)
    expect(chosen.filter(has_text="Waterjunk")).to_have_count(0)

    # Wagtail's autosave makes the page a moment after the first change. Saving while that is
    # on its way would make it twice: the draft is waited for, and the editor for its answer.
    assert wait_until(lambda: BriefingPage.objects.filter(title="Briefing on water").exists())
    indicator = editor.locator("#w-autosave-indicator")
    expect(indicator.get_by_text("Saved", exact=True)).to_be_visible()
    with editor.expect_navigation():
        editor.get_by_role("button", name="Save draft").click()
    # Should a field be refused, its message names it.
    expect(editor.locator(".error-message")).to_have_count(0)
    # Wagtail's autosave may have made the page already while the editor filled the form (on a
    # busy machine, more often): the draft is then saved as an update of it.
    expect(editor.locator(".messages")).to_contain_text(
        re.compile(r"'Briefing on water' (created|has been updated)")
    )
    briefing = BriefingPage.objects.get(title="Briefing on water")
    draft = briefing.get_latest_revision_as_object()
    assert (draft.issue_number, sorted(t.name for t in draft.topics.all())) == (
        18,
        ["Human rights", "Mining"],
    )
    assert not Topic.objects.filter(name__icontains="junk").exists()
