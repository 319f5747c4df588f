"""An editor writes a story, a moderator schedules it, and the scheduler publishes it."""

import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from PIL import Image
from playwright.sync_api import expect

from wagtail.images import get_image_model

from news.models import NewsPage
from psgsite.roles import EDITORS, EDITORS_COLLECTION, MODERATORS, set_up_roles
from tests.browser.conftest import log_in
from tests.conftest import scheduler_ahead, wait_until
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def photo():
    buffer = io.BytesIO()
    Image.new("RGB", (640, 360), (120, 80, 40)).save(buffer, "PNG")
    return {"name": "protest.png", "mimeType": "image/png", "buffer": buffer.getvalue()}


def add_block(page, label):
    blocks = page.locator("[data-contentpath='body'] [data-streamfield-child]")
    count = blocks.count()
    page.locator('button[title="Insert a block"]').last.click()
    page.get_by_role("option", name=label, exact=True).click()
    expect(blocks).to_have_count(count + 1)


def test_an_editor_writes_a_moderator_schedules_and_the_scheduler_publishes(site, browser):
    set_up_roles()
    UserFactory(username="edna", groups=[EDITORS])
    UserFactory(username="mo", groups=[MODERATORS])
    index_id = NewsPage.objects.first().get_parent().pk

    # The editor writes the story with a heading, a paragraph and an uploaded image.
    editor = log_in(browser, site, "edna")
    editor.goto(f"{site.url}/admin/pages/add/news/newspage/{index_id}/")
    editor.fill("#id_title", "Water protest in Cajamarca")
    editor.press("#id_title", "Tab")
    expect(editor.locator("#id_slug")).to_have_value("water-protest-in-cajamarca")
    editor.fill("#id_summary", "Farmers marched against the mine.")
    add_block(editor, "Heading")
    editor.fill("#body-0-value-text", "Farmers march")
    add_block(editor, "Text")
    text = editor.locator("[data-contentpath='body'] [contenteditable=true]").last
    text.click()
    editor.keyboard.type("Thousands marched to protect their water.")
    expect(text).to_have_text("Thousands marched to protect their water.")
    add_block(editor, "Image")
    chooser = editor.locator("#body-2-value-image-chooser")
    chooser.get_by_role("button", name="Choose an image").click()
    modal = editor.locator("body > .modal")
    modal.get_by_role("tab", name="Upload").click()
    upload = modal.locator("form[data-chooser-modal-creation-form]")
    upload.locator("#id_image-chooser-upload-file").set_input_files(photo())
    # The admin fills the title in from the file's name a moment later: typed before that, the
    # title would have the file's name put in front of it.
    title = upload.locator("#id_image-chooser-upload-title")
    expect(title).to_have_value("protest")
    title.fill("Protest in Cajamarca")
    upload.get_by_role("button", name="Upload").click()
    # The upload is sent in the background: the story is saved only once the image is chosen.
    expect(modal).to_have_count(0)
    expect(chooser.locator("[data-chooser-title]")).to_have_text("Protest in Cajamarca")
    expect(chooser.locator("img[data-chooser-image]")).to_be_visible()
    # Wagtail autosaves the form half a second after each change. Waiting for the save that
    # follows this last change means no earlier autosave, sent without the alt text, can still
    # be on its way to overwrite the draft once it is submitted.
    with editor.expect_response(lambda response: response.request.method == "POST"):
        editor.fill("#body-2-value-alt_text", "Farmers with banners on a mountain road")
    editor.get_by_role("button", name="More actions").click()
    with editor.expect_navigation():
        editor.get_by_role("button", name="Submit to Moderator approval").click()
    expect(editor.locator(".messages")).to_contain_text("submitted for moderation")
    story = NewsPage.objects.get(title="Water protest in Cajamarca")
    assert not story.live
    # The image went into the editors' own collection, the one the upload form offers them.
    assert get_image_model().objects.get(title="Protest in Cajamarca").collection.name == (
        EDITORS_COLLECTION
    )

    # The moderator sets a go-live time and approves. The admin schedules to the minute: the
    # next whole minute at least a minute away, so that on a busy machine approving still
    # comes before it.
    moderator = log_in(browser, site, "mo")
    moderator.goto(f"{site.url}/admin/pages/{story.pk}/edit/")
    moderator.get_by_role("button", name="Toggle status").click()
    moderator.get_by_role("button", name="Set schedule").click()
    dialog = moderator.locator("#schedule-publishing-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("Times are UK time (Europe/London)")
    london = datetime.datetime.now(ZoneInfo("Europe/London")) + datetime.timedelta(seconds=119)
    go_live = london.replace(second=0, microsecond=0)
    moderator.fill("#id_go_live_at", go_live.strftime("%d/%m/%Y %H:%M"))
    # By keyboard, as the date pickers that open on focus cover the button for a mouse.
    dialog.get_by_role("button", name="Save schedule").focus()
    with moderator.expect_navigation():
        moderator.keyboard.press("Enter")
    expect(moderator.locator(".messages")).to_contain_text("has been updated")
    moderator.get_by_role("button", name="More actions").click()
    with moderator.expect_navigation():
        moderator.get_by_role("button", name="Approve and Publish").click()
    expect(moderator.locator(".messages")).to_contain_text(
        f"'Water protest in Cajamarca' is scheduled to go live on "
        f"{go_live:%-d %B %Y, %H:%M} (UK time)."
    )
    story.refresh_from_db()
    assert not story.live, "approved after the go-live time: the test machine is too slow"
    assert story.go_live_at == go_live

    # A reader cannot see it before its time, and finds it on the news index after.
    reader = browser.new_context().new_page()
    assert reader.goto(site.url + story.url).status == 404
    assert "Water protest in Cajamarca" not in reader.goto(site.url + "/news/").text()

    def on_the_news_index():
        return "Water protest in Cajamarca" in reader.goto(site.url + "/news/").text()

    # The scheduler, its clock already past the go-live time, passes every second; the bound
    # only stops a broken test from hanging.
    ahead = (go_live - datetime.datetime.now(ZoneInfo("Europe/London"))).total_seconds() + 1
    scheduler = scheduler_ahead(ahead)
    try:
        assert wait_until(on_the_news_index, timeout=120, step=1)
    finally:
        scheduler.terminate()
        scheduler.wait(timeout=10)
    story.refresh_from_db()
    assert story.live and story.first_published_at >= go_live
    article = reader.goto(site.url + story.url)
    assert article.status == 200
    body = reader.locator("article")
    expect(body.locator("h2", has_text="Farmers march")).to_have_count(1)
    expect(body).to_contain_text("Thousands marched to protect their water.")
    image = body.locator("figure.content-image img")
    expect(image).to_have_attribute("alt", "Farmers with banners on a mountain road")
    image.scroll_into_view_if_needed()
    expect(image).to_have_js_property("complete", True)
    assert image.evaluate("img => img.naturalWidth") > 0
