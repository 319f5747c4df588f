import pytest
from playwright.sync_api import expect

from django.urls import reverse

from alerts.links import confirm_token, manage_token
from alerts.models import Subscription
from news.models import NewsIndexPage
from tests.browser.conftest import axe_violations, tab_to
from tests.conftest import in_spanish

pytestmark = pytest.mark.browser

PAGES = {
    "home page": "/",
    "news index": "/news/",
    "news by topic": "/news/topic/mining/",
    "briefings": "/news/kind/briefings/",
    "news items only": "/news/kind/news/",
    "events by date announced": "/news/kind/events/",
    "news by year": "/news/2013/",
    "news item": "/news/minas-conga-referendum-plans-disputed/",
    "event": "/news/peru-and-the-persistence-of-inequality/",
    "about page": "/about-us/",
    "about section": "/about-us/historical-overview/",
    "join page": "/join/",
    "search results": "/search/?q=mining",
    "search form": "/search/",
    "upcoming events": "/news/events/",
    "past events": "/news/events/past/",
    "page not found": "/no-such-page/",
}


def alerts_pages():
    """The email alerts' pages, those of signed links for a subscription of the test's own."""
    subscription = Subscription.objects.create(email="ana@example.org", news=True)
    return {
        "email alerts": "/alerts/",
        "email alerts: check your email": "/alerts/check-email/",
        "email alerts: confirm": reverse("alerts:confirm", args=[confirm_token(subscription)]),
        "email alerts: manage": reverse("alerts:manage", args=[manage_token(subscription)]),
        "email alerts: unsubscribe": reverse(
            "alerts:unsubscribe", args=[manage_token(subscription)]
        ),
        "email alerts: link not valid": "/alerts/confirm/not-a-token/",
    }


def spanish_pages():
    """The home, about, join, privacy and news pages in Spanish (the day-one pages, and the news
    index), each with its link to the English page, and the English about page with its link to
    the Spanish one."""
    in_spanish(NewsIndexPage.objects.get(), title="Noticias", slug="noticias")
    return {
        "home page in Spanish": "/es/",
        "about page in Spanish": "/es/sobre-nosotros/",
        "join page in Spanish": "/es/hagase-miembro/",
        "privacy notice in Spanish": "/es/aviso-de-privacidad/",
        "news index in Spanish": "/es/noticias/",
        "about page, translated": "/about-us/",
    }


def test_no_wcag_22_aa_violations(site, page):
    # One server and one load of the content for every page: each is checked in turn, and all
    # that is wrong on any of them is reported together.
    found = {}

    def check(name):
        headings = page.locator("h1").count()
        if headings != 1:
            found[name] = f"{headings} h1 elements"
        for width in (1280, 375):
            page.set_viewport_size({"width": width, "height": 900})
            violations = axe_violations(page)
            if violations:
                found[f"{name} at {width}px"] = violations
        page.set_viewport_size({"width": 1280, "height": 900})

    alerts = alerts_pages()
    translated = spanish_pages()
    for name, path in {**PAGES, **alerts, **translated}.items():
        page.goto(site.url + path)
        if name in translated:
            expect(page.locator("header .language-switch")).to_be_visible()
        check(name)
    # Pages that answer a form: the subscribe form sent back with errors, and a confirmation.
    page.goto(site.url + "/alerts/")
    page.locator("main").get_by_role("button", name="Subscribe").click()
    expect(page.locator(".error-summary")).to_be_visible()
    check("email alerts with errors")
    page.goto(site.url + alerts["email alerts: confirm"])
    page.get_by_role("button", name="Confirm").click()
    expect(page.locator("h1")).to_have_text("You’re subscribed")
    check("email alerts: subscribed")
    assert found == {}


def test_the_stylesheet_is_served(site, page):
    response = page.goto(site.url + "/")
    assert response.status == 200
    colour = page.eval_on_selector(
        ".site-header__nav", "el => getComputedStyle(el).backgroundColor"
    )
    assert colour == "rgb(155, 27, 48)"


def test_the_skip_link_is_the_first_stop_and_moves_focus_to_the_content(site, page):
    page.goto(site.url + "/news/")
    page.keyboard.press("Tab")
    skip_link = page.locator(".skip-link")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_have_text("Skip to main content")
    assert skip_link.bounding_box()["y"] >= 0  # visible once focused
    page.keyboard.press("Enter")
    expect(page.locator("#main-content")).to_be_focused()


def test_a_reader_goes_from_the_home_page_to_a_story_and_back_by_breadcrumb(site, page):
    page.goto(site.url + "/")
    page.get_by_role("link", name="Minas Conga referendum plans disputed").click()
    expect(page.locator("h1")).to_have_text("Minas Conga referendum plans disputed")
    expect(page.locator("article")).to_contain_text("8 March 2013")
    page.get_by_role("navigation", name="Breadcrumb").get_by_role("link", name="News").click()
    expect(page.locator("h1")).to_have_text("News")


def test_the_checker_itself_catches_a_violation(site, page):
    """Guards the tests above: axe really runs and reports what it finds."""
    page.goto(site.url + "/")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('beforeend', '<img src=x>')")
    assert any(v.startswith("image-alt") for v in axe_violations(page))


def test_a_keyboard_user_searches_and_opens_a_result(site, page):
    page.goto(site.url + "/")
    tab_to(page, "#header-search-query")
    page.keyboard.type("coca")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("main")).to_contain_text("1 result for")
    tab_to(page, ".search-results a")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none"  # focus is visible
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Peru and the Persistence of Inequality")


def test_a_keyboard_user_filters_the_news_by_topic(site, page):
    page.goto(site.url + "/news/")
    tab_to(page, 'a[href="/news/topic/mining/"]')
    with page.expect_navigation():
        page.keyboard.press("Enter")
    expect(page.locator("h1")).to_have_text("Topic: Mining")
