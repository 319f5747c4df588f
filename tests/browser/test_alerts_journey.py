"""A reader follows the briefings by email: subscribes from the footer, confirms from the email,
gets an alert when a scheduled briefing goes live, and leaves with one click from the mail
program, as RFC 8058 has it."""

import datetime
import email
import email.policy
import re
import subprocess
import time
import urllib.request

import pytest
from playwright.sync_api import expect

from django.conf import settings
from django.utils import timezone

from wagtail.models import Site

from alerts.models import Subscription
from news.models import NewsIndexPage
from tests.conftest import manage_py, wait_until
from tests.factories import BriefingPageFactory, NewsPageFactory

pytestmark = pytest.mark.browser

READER = "rosa.quispe@example.org"


def parsed(message):
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def to_reader(site, subject_part):
    """The messages sent to the reader whose subject holds subject_part, parsed."""
    return [
        parsed(message)
        for message in site.mail
        if message["To"].lower() == READER and subject_part in message["Subject"]
    ]


def the_link(text, name):
    links = set(re.findall(rf"https?://[^\s\"<>]+/alerts/{name}/[^\s\"<>]+/", text))
    assert len(links) == 1, links
    return links.pop()


def test_a_reader_subscribes_confirms_gets_a_scheduled_briefing_and_leaves_with_one_click(
    site, browser, tmp_path
):
    # Links in the emails point at the site as readers reach it: here, the test's server.
    Site.objects.filter(is_default_site=True).update(hostname="127.0.0.1", port=site.port)
    index = NewsIndexPage.objects.get()

    # From the footer of the home page: briefings only.
    reader = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
    reader.goto(site.url + "/")
    opened_at = time.monotonic()
    footer = reader.locator("section.alert-signup--footer")
    expect(footer.get_by_role("heading", name="News by email")).to_be_visible()
    footer.get_by_label("All news and briefings", exact=True).uncheck()
    footer.get_by_label("Briefings", exact=True).check()
    footer.get_by_label("Email address").fill(f"  {READER.upper()} ")
    # A person takes longer than the few seconds by which the form tells a bot.
    remaining = settings.MEMBERSHIP_FORM_MIN_SECONDS + 0.5 - (time.monotonic() - opened_at)
    if remaining > 0:
        reader.wait_for_timeout(remaining * 1000)
    with reader.expect_navigation():
        footer.get_by_role("button", name="Subscribe").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("Check your email")
    subscription = Subscription.objects.get()
    assert subscription.email.lower() == READER
    assert (subscription.news, subscription.briefings, subscription.is_confirmed) == (
        False,
        True,
        False,
    )

    # Nothing but the confirmation until the link in it is followed.
    assert wait_until(lambda: to_reader(site, "onfirm"))
    (confirmation,) = to_reader(site, "onfirm")
    reader.goto(the_link(confirmation.get_body(("plain",)).get_content(), "confirm"))
    with reader.expect_navigation():
        reader.get_by_role("button", name="Confirm").click()
    expect(reader.get_by_role("heading", level=1)).to_have_text("You’re subscribed")
    subscription.refresh_from_db()
    assert subscription.is_confirmed

    # A briefing and a plain news item are scheduled a few seconds ahead; the scheduler, a
    # process of its own sending through the same mail server, publishes them.
    go_live = timezone.now() + datetime.timedelta(seconds=3)
    briefing = BriefingPageFactory(
        parent=index,
        title="Briefing on water and mining",
        issue_number=99,
        date=timezone.localdate(),
        live=False,
    )
    news = NewsPageFactory(
        parent=index, title="A plain news story", date=timezone.localdate(), live=False
    )
    for page, when in ((news, go_live - datetime.timedelta(seconds=1)), (briefing, go_live)):
        page.go_live_at = when
        page.save_revision(approved_go_live_at=when)
    command = manage_py("run_scheduler", "--interval", "1")
    command["env"].update(site.mail_env)
    log = tmp_path / "scheduler.log"
    with log.open("w") as out:
        command.update(stdout=out, stderr=subprocess.STDOUT)
        scheduler = subprocess.Popen(**command)
    try:
        assert wait_until(lambda: to_reader(site, "Briefing on water and mining"), timeout=120), (
            log.read_text()
        )
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=10)
    briefing.refresh_from_db()
    news.refresh_from_db()
    assert briefing.live and news.live
    # One alert, for the briefing alone: the reader follows briefings, not all the news.
    assert [
        message["Subject"] for message in map(parsed, site.mail) if message["To"].lower() == READER
    ][1:] == [to_reader(site, "Briefing on water and mining")[0]["Subject"]]
    (alert,) = to_reader(site, "Briefing on water and mining")
    assert alert["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    text = alert.get_body(("plain",)).get_content()
    html = alert.get_body(("html",)).get_content()
    assert "Briefing on water and mining" in text and "Briefing on water and mining" in html

    # The alert's link opens the briefing.
    reader.goto(site.url + briefing.url)
    expect(reader.get_by_role("heading", level=1)).to_have_text("Briefing on water and mining")
    assert site.url + briefing.url in text

    # The mail program's one click: a POST to the List-Unsubscribe address, with no cookie.
    unsubscribe = re.fullmatch(r"<(https?://[^>]+)>", alert["List-Unsubscribe"].strip()).group(1)
    request = urllib.request.Request(  # noqa: S310
        unsubscribe,
        data=b"List-Unsubscribe=One-Click",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:  # noqa: S310
        assert response.status == 200
    assert not Subscription.objects.exists()

    # The alert's own link to leave says so afterwards.
    reader.goto(unsubscribe)
    expect(reader.get_by_role("heading", level=1)).to_have_text("You are not subscribed")
