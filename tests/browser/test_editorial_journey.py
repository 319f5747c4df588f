"""An editor writes a story, a moderator schedules it, and the scheduler publishes it."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from PIL import Image

from wagtail.images import get_image_model

from news.models import NewsPage
from psgsite.roles import EDITORS, EDITORS_COLLECTION, MODERATORS, set_up_roles
from tests.browser.conftest import log_in
from tests.conftest import wait_until
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (120, 80, 40)).save(buffer, "PNG")
    return {"name": "protest.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def add_block(page, label):
    page.locator('button[title="Insert a block"]').last.click()
    page.get_by_role("option", name=label, exact=True).click()


def test_an_editor_writes_a_moderator_schedules_and_the_scheduler_publishes(
    site, scheduler, browser
):
    set_up_roles()
    UserFactory(username="edna", groups=[EDITORS])
    UserFactory(username="mo", groups=[MODERATORS])
    index_id = NewsPage.objects.first().get_parent().pk

    # The editor writes the story with a heading, a paragraph and an uploaded image.
    editor = log_in(browser, site, "edna")
    editor.goto(f"{site.url}/admin/pages/add/news/newspage/{index_id}/")
    editor.fill("#id_title", "Water protest in Cajamarca")
    editor.press("#id_title", "Tab")  # the slug follows the title
    editor.fill("#id_summary", "Farmers marched against the mine.")
    add_block(editor, "Heading")
    editor.fill("#body-0-value-text", "Farmers march")
    add_block(editor, "Text")
    editor.locator("[data-contentpath='body'] [contenteditable=true]").last.click()
    editor.keyboard.type("Thousands marched to protect their water.")
    add_block(editor, "Image")
    editor.locator("[data-contentpath='body'] button:has-text('Choose an image')").last.click()
    editor.get_by_role("tab", name="Upload").click()
    editor.set_input_files("#id_image-chooser-upload-file", photo())
    editor.fill("#id_image-chooser-upload-title", "Protest in Cajamarca")
    editor.locator(".modal button[type=submit]").first.click()
    editor.fill("#body-2-value-alt_text", "Farmers with banners on a mountain road")
    editor.get_by_role("button", name="More actions").click()
    with editor.expect_navigation():
        editor.get_by_role("button", name="Submit to Moderator approval").click()
    assert "submitted for moderation" in editor.locator(".messages").inner_text()
    story = NewsPage.objects.get(title="Water protest in Cajamarca")
    assert not story.live
    # The image went into the editors' own collection, the one the upload form offers them.
    assert get_image_model().objects.get(title="Protest in Cajamarca").collection.name == (
        EDITORS_COLLECTION
    )

    # The moderator sets a go-live time (the next whole minute, at least 20 seconds away:
    # the admin schedules to the minute) and approves.
    london = datetime.datetime.now(ZoneInfo("Europe/London")) + datetime.timedelta(seconds=80)
    go_live = london.replace(second=0, microsecond=0)
    moderator = log_in(browser, site, "mo")
    moderator.goto(f"{site.url}/admin/pages/{story.pk}/edit/")
    moderator.get_by_role("button", name="Toggle status").click()
    moderator.get_by_role("button", name="Set schedule").click()
    dialog = moderator.locator("#schedule-publishing-dialog")
    assert "Times are UK time (Europe/London)" in dialog.inner_text()
    moderator.fill("#id_go_live_at", go_live.strftime("%d/%m/%Y %H:%M"))
    # By keyboard, as the date pickers that open on focus cover the button for a mouse.
    dialog.get_by_role("button", name="Save schedule").focus()
    with moderator.expect_navigation():
        moderator.keyboard.press("Enter")
    moderator.get_by_role("button", name="More actions").click()
    with moderator.expect_navigation():
        moderator.get_by_role("button", name="Approve and Publish").click()
    story.refresh_from_db()
    assert not story.live
    assert story.go_live_at == go_live

    # A reader cannot see it before its time, and finds it on the news index after.
    reader = browser.new_context().new_page()
    assert reader.goto(site.url + story.url).status == 404
    assert "Water protest in Cajamarca" not in reader.goto(site.url + "/news/").text()

    def on_the_news_index():
        return "Water protest in Cajamarca" in reader.goto(site.url + "/news/").text()

    assert wait_until(on_the_news_index, timeout=150, step=2)
    story.refresh_from_db()
    assert story.live and story.first_published_at >= go_live
    article = reader.goto(site.url + story.url)
    assert article.status == 200
    body = reader.locator("article")
    assert body.locator("h2", has_text="Farmers march").count() == 1
    assert "Thousands marched to protect their water." in body.inner_text()
    image = body.locator("figure.block-image img")
    assert image.get_attribute("alt") == "Farmers with banners on a mountain road"
    image.scroll_into_view_if_needed()
    reader.wait_for_function(
        "img => img.complete && img.naturalWidth > 0", arg=image.element_handle()
    )
