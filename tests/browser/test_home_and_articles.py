"""The home page and articles as a reader sees them, at a phone's width and a laptop's."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser

STORY = "/news/minas-conga-referendum-plans-disputed/"
EVENT = "/news/peru-and-the-persistence-of-inequality/"
WIDTHS = (1280, 375)


def left_edge(page, selector):
    return page.locator(selector).bounding_box()["x"]


def overflows(page):
    return page.evaluate("document.documentElement.scrollWidth > window.innerWidth")


def test_the_breadcrumb_lines_up_with_the_article(site, page):
    for path in (STORY, EVENT):
        page.goto(site.url + path)
        for width in WIDTHS:
            page.set_viewport_size({"width": width, "height": 900})
            trail = left_edge(page, ".breadcrumbs ol")
            assert trail == left_edge(page, "article h1"), f"{path} at {width}px"
            assert trail == left_edge(page, ".join-prompt__inner"), f"{path} at {width}px"
            assert not overflows(page), f"{path} at {width}px"


def test_the_home_page_calls_to_join_on_its_first_screen(site, page):
    page.goto(site.url + "/")
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        hero = page.locator(".home-hero")
        join = hero.get_by_role("link", name="Join the Peru Support Group")
        box = join.bounding_box()
        assert box["y"] + box["height"] <= 900, f"below the first screen at {width}px"
        expect(page.locator(".lead-story h2")).to_have_text(
            "Warning on 'police privatisation' in Peru"
        )
        assert not overflows(page), f"at {width}px"
    # Beside the lead story on a laptop, below it on a phone.
    page.set_viewport_size({"width": 1280, "height": 900})
    lead, latest = page.locator(".lead-story"), page.locator(".home-latest")
    assert latest.bounding_box()["x"] > lead.bounding_box()["x"] + lead.bounding_box()["width"]
    page.set_viewport_size({"width": 375, "height": 900})
    assert latest.bounding_box()["y"] > lead.bounding_box()["y"] + lead.bounding_box()["height"]
    join.click()
    expect(page.locator("h1")).to_have_text("Why join the PSG?")


def test_a_reader_follows_a_topic_and_a_related_story(site, page):
    page.goto(site.url + STORY)
    related = page.locator(".related").get_by_role("link")
    expect(related).to_have_text(["Canaris: clashes as rejected mine considered"])
    page.locator(".topics").get_by_role("link", name="Mining").click()
    expect(page.locator("h1")).to_have_text("Topic: Mining")
    expect(page.locator("main")).to_contain_text("Minas Conga referendum plans disputed")
    page.go_back()
    related.click()
    expect(page.locator("h1")).to_have_text("Canaris: clashes as rejected mine considered")
