"""The frame every page shares, as a browser lays it out and prints it: the header at a phone's
width, the Join button, print without the site's chrome, and each body block drawn once."""

import json

import pytest
from playwright.sync_api import expect

from news.models import NewsIndexPage
from tests.factories import DocumentFactory, NewsPageFactory

pytestmark = pytest.mark.browser

PAGES = ["/", "/news/", "/news/minas-conga-referendum-plans-disputed/", "/join/", "/search/?q=x"]


@pytest.mark.parametrize("width", [375, 1280])
def test_the_header_fits_the_screen_with_its_join_button(site, page, width):
    page.set_viewport_size({"width": width, "height": 800})
    for url in PAGES:
        page.goto(site.url + url)
        join = page.get_by_role("banner").get_by_role("link", name="Join", exact=True)
        expect(join).to_be_visible()
        expect(join).to_have_attribute("href", "/join/")
        # Nothing sticks out sideways: no horizontal scrolling at any width.
        assert page.evaluate("document.documentElement.scrollWidth") <= width, url
        for part in (".brand", "#header-search-query", ".main-nav"):
            box = page.locator(part).bounding_box()
            assert box["x"] >= 0 and box["x"] + box["width"] <= width, (url, part)
    join.click()
    expect(page.locator("h1")).to_have_text("Why join the PSG?")


def test_a_printed_page_leaves_out_the_menu_search_and_footer_links(site, page):
    page.goto(site.url + "/news/minas-conga-referendum-plans-disputed/")
    chrome = [
        page.get_by_role("navigation", name="Main"),
        page.locator("#header-search-query"),
        page.get_by_role("banner").get_by_role("link", name="Join", exact=True),
        page.get_by_role("navigation", name="Follow us"),
        page.get_by_role("navigation", name="Breadcrumb"),
        page.locator(".site-footer__join"),
    ]
    for part in chrome:
        expect(part).to_be_visible()
    page.emulate_media(media="print")
    for part in chrome:
        expect(part).to_be_hidden()
    expect(page.locator("h1")).to_be_visible()
    expect(page.locator(".brand__name")).to_be_visible()
    assert page.evaluate("getComputedStyle(document.body).color") == "rgb(0, 0, 0)"
    assert page.evaluate("getComputedStyle(document.body).backgroundColor") in (
        "rgb(255, 255, 255)",
        "rgba(0, 0, 0, 0)",
    )


def test_a_printed_article_shows_where_its_links_lead(site, page):
    index = NewsIndexPage.objects.get()
    story = NewsPageFactory(
        parent=index,
        title="Linked",
        body=json.dumps(
            [
                {
                    "type": "paragraph",
                    "value": '<p>See <a href="https://example.org/report">it</a>.</p>',
                }
            ]
        ),
    )
    page.goto(site.url + story.url)
    link = page.locator(".stream a")
    after = "el => getComputedStyle(el, '::after').content"
    assert link.evaluate(after) in ("none", "normal")
    page.emulate_media(media="print")
    assert link.evaluate(after) == '" (https://example.org/report)"'


def test_each_block_is_drawn_once(site, page):
    """Wagtail wraps each block in <div class="block-<name>">: the quote's bar and the document's
    box are drawn by one element each, not by the wrapper as well."""
    index = NewsIndexPage.objects.get()
    document = DocumentFactory(title="Annual report")
    story = NewsPageFactory(
        parent=index,
        title="Blocks",
        body=json.dumps(
            [
                {"type": "quote", "value": {"quote": "Water is life.", "attribution": "A farmer"}},
                {
                    "type": "document",
                    "value": {"document": document.pk, "title": "", "description": "Our year."},
                },
            ]
        ),
    )
    page.goto(site.url + story.url)
    expect(page.locator("blockquote")).to_have_text("Water is life.")
    drawn = page.evaluate(
        """() => {
            const count = (root, test) => [root, ...root.querySelectorAll('*')].filter(test).length;
            const style = el => getComputedStyle(el);
            const quote = document.querySelector('blockquote').closest('.stream > *');
            const doc = document.querySelector('a[download]').closest('.stream > *');
            return {
                quoteBars: count(quote, el => parseFloat(style(el).borderLeftWidth) > 0),
                documentBoxes: count(doc, el => parseFloat(style(el).borderTopWidth) > 0
                    && parseFloat(style(el).borderBottomWidth) > 0),
            };
        }"""
    )
    assert drawn == {"quoteBars": 1, "documentBoxes": 1}
