"""The news listing's filters and the main menu's Events, as a reader sees them on a phone
(375 pixels wide) and on a desktop (1280)."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def first_item(page):
    return page.locator(".listing-layout__main .news-list > li").first


def test_on_a_phone_the_filters_are_closed_above_the_list(site, page):
    page.set_viewport_size({"width": 375, "height": 800})
    page.goto(site.url + "/news/")
    summary = page.get_by_text("Filter news", exact=True)
    expect(summary).to_be_visible()
    assert summary.bounding_box()["y"] < first_item(page).bounding_box()["y"]
    # Neither shown nor offered to a screen reader until opened; the sidebar's copy is not
    # shown at this width.
    mining = page.get_by_role("link", name="Mining", exact=True)
    expect(mining).to_have_count(0)
    expect(page.locator('a[href="/news/topic/mining/"]').first).to_be_hidden()
    summary.click()
    expect(mining).to_have_count(1)
    expect(mining).to_be_visible()
    assert mining.bounding_box()["y"] < first_item(page).bounding_box()["y"]
    with page.expect_navigation():
        mining.click()
    expect(page.locator("h1")).to_have_text("Topic: Mining")


def test_on_a_desktop_the_filters_are_a_sidebar_beside_the_list(site, page):
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(site.url + "/news/")
    expect(page.get_by_text("Filter news", exact=True)).to_be_hidden()
    filters = page.get_by_role("navigation", name="Filter the news")
    expect(filters).to_have_count(1)
    mining = filters.get_by_role("link", name="Mining", exact=True)
    expect(mining).to_be_visible()
    assert mining.bounding_box()["x"] > first_item(page).bounding_box()["x"] + 300
    for name in ("Everything", "Briefings", "Upcoming events", "2013"):
        expect(filters.get_by_role("link", name=name, exact=True)).to_be_visible()


@pytest.mark.parametrize("width", [375, 1280])
def test_a_reader_finds_events_in_the_menu(site, page, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(site.url + "/")
    menu = page.get_by_role("navigation", name="Main")
    expect(menu.get_by_role("link")).to_have_text(
        ["Home", "News", "Events", "About us", "Why join the PSG?"]
    )
    with page.expect_navigation():
        menu.get_by_role("link", name="Events").click()
    expect(page.locator("h1")).to_have_text("Upcoming events")
    expect(menu.get_by_role("link", name="Events")).to_have_attribute("aria-current", "page")
    crumbs = page.get_by_role("navigation", name="Breadcrumb")
    expect(crumbs.get_by_role("listitem")).to_have_text(["Home", "News", "Events"])
    # The 2012 conference, whose date was never confirmed, is a past event.
    expect(page.locator("main")).not_to_contain_text("Peru and the Persistence of Inequality")
    expect(page.locator("main")).not_to_contain_text("Subscribe to our events calendar")
    page.get_by_role("link", name="Past events").click()
    expect(page.locator("main")).to_contain_text("Peru and the Persistence of Inequality")
    expect(page.locator("main")).to_contain_text("Date never confirmed")
