"""Security as visitors, staff and attackers meet it: the headers and cookies of the production
stack, the login lockout and password rules, the bounds on uploads, and script that an editor
(or a visitor's search) tries to slip into the pages, the admin, the feeds and the emails.

The browser's side of the Content-Security-Policy (no violations on the public pages, the
admin and its preview still working, other sites unable to frame the site) is in
tests/browser/test_content_security_policy.py.

Covered elsewhere, not repeated here:
- markup typed into the membership form is kept as text on the site, in the form shown again
  after an error and in the emails: tests/membership/test_application_form.py
  (test_markup_is_kept_as_text_on_the_site_and_in_the_emails);
- and in the secretary's admin and personal-data pages: tests/membership/test_admin.py
  (test_markup_in_an_application_is_shown_as_text) and tests/membership/test_personal_data.py
  (test_a_name_with_markup_is_shown_as_text);
- a call to action refuses a javascript: link, a quote block escapes markup:
  tests/home/test_blocks.py;
- structured data cannot break out of its script element: tests/home/test_seo.py;
- a topic with markup in its address is a 404: tests/news/test_news_filters.py.
"""

import datetime
import io
import json
import logging
import math
import os
import re
from http.cookies import SimpleCookie
from pathlib import Path

import feedparser
import pytest
import requests
from axes.models import AccessAttempt
from bs4 import BeautifulSoup
from PIL import Image

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import PBKDF2PasswordHasher
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.test import TestCase, override_settings
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from wagtail.documents import get_document_model
from wagtail.images import get_image_model
from wagtail.models import Collection
from wagtail.test.utils.form_data import rich_text

from news.models import EventPage
from psgsite.roles import EDITORS_COLLECTION
from psgsite.views import clean_query
from tests.conftest import load_site_content
from tests.editorial import EditorialTestCase, edit_form, paragraph
from tests.factories import MembershipTypeFactory, UserFactory
from tests.psgsite.conftest import log_in as log_in_to
from tests.psgsite.conftest import staff as staff_user
from tests.psgsite.web_client import WebClient

Document = get_document_model()
Image_ = get_image_model()  # PIL's Image is the picture library
PASSWORD = "a-long-test-password"  # UserFactory's
SCRIPT = "<script>alert(1)</script>"
IMG = "<img src=x onerror=alert(1)>"
# The features of the body's paragraph block (home.blocks.BaseStreamBlock).
PARAGRAPH_FEATURES = ["bold", "italic", "link", "document-link", "ol", "ul", "hr"]


# --- What in a page would run an attacker's script --------------------------------------------

# Script elements of these types are data, which the browser never runs.
DATA_SCRIPT_TYPES = {"application/json", "application/ld+json"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "poster", "srcset"}
# What browsers ignore inside a URL's scheme: ASCII whitespace and control characters.
IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20]")
DANGEROUS_SCHEMES = ("javascript:", "vbscript:", "data:text/html", "data:image/svg")


def executable_markup(html):
    """Each element of the HTML that would run the payload (whose script always calls alert):
    a script element, an event-handler attribute, or a link or source with a script URL."""
    soup = BeautifulSoup(html, "html.parser")
    found = []
    for script in soup.find_all("script"):
        if script.get("type", "").lower() not in DATA_SCRIPT_TYPES and "alert" in script.text:
            found.append(str(script))
    for element in soup.find_all(True):
        for name, value in element.attrs.items():
            value = " ".join(value) if isinstance(value, list) else value
            if name.lower().startswith("on") and "alert" in value:
                found.append(str(element))
            elif name.lower() in URL_ATTRIBUTES:
                url = IGNORED_IN_SCHEME.sub("", value).lower()
                if url.startswith(DANGEROUS_SCHEMES):
                    found.append(str(element))
    return found


def text_of(html):
    """What a reader sees of the HTML."""
    return BeautifulSoup(html, "html.parser").get_text()


def feed_problems(client, url):
    """Executable markup in a feed's titles and summaries, read as a feed reader reads them:
    feedparser says whether each is text or HTML (and is told not to clean the HTML, which
    would hide what the site sent)."""
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content, sanitize_html=False)
    assert not feed.bozo, feed.get("bozo_exception")
    problems = []
    shown = []
    details = [feed.feed.title_detail, feed.feed.get("subtitle_detail")]
    for entry in feed.entries:
        details += [entry.title_detail, entry.summary_detail]
    for detail in filter(None, details):
        if detail.type in ("text/html", "application/xhtml+xml"):
            problems += executable_markup(detail.value)
            shown.append(text_of(detail.value))
        else:
            shown.append(detail.value)
    return problems, "\n".join(shown)


# --- Script in content, through the admin as editors post it ----------------------------------


class StoredScriptTests(EditorialTestCase):
    """A moderator (who may publish) posts the admin's edit form; what the form accepts is
    what an editor's browser, or an attacker with an editor's login, can send."""

    def publish(self, page, body=(), **fields):
        self.client.force_login(self.moderator)
        data = edit_form(self.client, page, body)
        data.update(fields)
        response = self.client.post(
            f"/admin/pages/{page.pk}/edit/", {**data, "action-publish": "1"}
        )
        self.assertEqual(response.status_code, 302, response.content.decode()[:3000])
        self.client.logout()
        return page.specific_class.objects.get(pk=page.pk)

    def assert_nothing_runs(self, url, must_show=()):
        response = self.client.get(url)
        self.assertEqual(response.status_code, 200, url)
        html = response.content.decode()
        self.assertEqual(executable_markup(html), [], url)
        for text in must_show:
            self.assertIn(text, text_of(html), url)
        return html

    def test_script_and_javascript_links_in_rich_text_are_removed(self):
        pasted = rich_text(
            '<p>Pasted <a href="javascript:alert(1)">bad link</a> and '
            '<a href="https://www.example.org/">good link</a>.</p>'
            "<script>alert(1)</script>"
            '<p>Image <img src="x" onerror="alert(1)"/> here. Quellaveco.</p>',
            features=PARAGRAPH_FEATURES,
        )
        # What an attacker sends without the editor: the editor's own format with a script URL
        # in a link, markup as text and an image the block does not offer.
        forged = json.dumps(
            {
                "blocks": [
                    {
                        "key": "a1",
                        "text": f"{SCRIPT} forged link",
                        "type": "unstyled",
                        "depth": 0,
                        "inlineStyleRanges": [],
                        "entityRanges": [{"offset": len(SCRIPT) + 1, "length": 6, "key": 0}],
                    },
                    {
                        "key": "a2",
                        "text": " ",
                        "type": "atomic",
                        "depth": 0,
                        "inlineStyleRanges": [],
                        "entityRanges": [{"offset": 0, "length": 1, "key": 1}],
                    },
                    {
                        "key": "a3",
                        "text": "Second link",
                        "type": "unstyled",
                        "depth": 0,
                        "inlineStyleRanges": [],
                        "entityRanges": [{"offset": 0, "length": 6, "key": 2}],
                    },
                ],
                "entityMap": {
                    "0": {
                        "type": "LINK",
                        "mutability": "MUTABLE",
                        "data": {"url": "javascript:alert(1)"},
                    },
                    "1": {
                        "type": "IMAGE",
                        "mutability": "IMMUTABLE",
                        "data": {"src": "javascript:alert(1)", "alt": '" onerror="alert(1)'},
                    },
                    "2": {
                        "type": "LINK",
                        "mutability": "MUTABLE",
                        "data": {"url": " JaVa\tScRiPt:alert(1)"},
                    },
                },
            }
        )
        story = self.publish(self.story, [("paragraph", pasted), ("paragraph", forged)])

        stored = json.dumps(list(story.body.raw_data))
        self.assertNotIn("javascript", stored.lower())
        self.assertNotIn("<script", stored)
        self.assertNotIn("onerror", stored)

        page = self.assert_nothing_runs(story.url, ["bad link", "forged link", SCRIPT])
        # The safe link is kept: the test would see a javascript: one.
        self.assertIn('href="https://www.example.org/"', page)
        self.assert_nothing_runs("/news/")
        self.assert_nothing_runs("/")
        self.assertIn(story.title, self.assert_nothing_runs("/search/?q=Quellaveco"))
        for feed in ("/news/feed/rss/", "/news/feed/atom/"):
            self.assertEqual(feed_problems(self.client, feed)[0], [], feed)

        # Editors see it in the admin's preview (which allows inline script) and history.
        self.client.force_login(self.editor)
        self.assert_nothing_runs(f"/admin/pages/{story.pk}/edit/")
        url = f"/admin/pages/{story.pk}/edit/preview/"
        data = edit_form(self.client, story, [("paragraph", forged)])
        self.assertTrue(self.client.post(url, data).json()["is_valid"])
        self.assert_nothing_runs(url, ["forged link", SCRIPT])
        # The admin may frame the preview; no other site may.
        preview = self.client.get(url)
        self.assertEqual(preview["X-Frame-Options"], "SAMEORIGIN")
        self.assertIn("frame-ancestors 'self'", preview["Content-Security-Policy"])
        revisions = list(story.revisions.order_by("-created_at", "-pk")[:2])
        self.assert_nothing_runs(
            f"/admin/pages/{story.pk}/revisions/compare/{revisions[1].pk}...{revisions[0].pk}/"
        )

    def test_a_table_shows_markup_as_text(self):
        table = {
            "data": [["Year", f"Event {SCRIPT}"], ["1980", f"Conflict {IMG}"]],
            "cell": [{"row": 1, "col": 1, "className": 'x" onmouseover="alert(1)'}],
            "mergeCells": [],
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_header_choice": "row",
            "table_caption": f"Caption {SCRIPT}",
        }
        story = self.publish(self.story, [("table", json.dumps(table))])
        html = self.assert_nothing_runs(story.url, [f"Event {SCRIPT}", f"Conflict {IMG}"])
        self.assertIn("&lt;script&gt;alert(1)&lt;/script&gt;", html)

    def test_a_title_and_summary_with_markup_are_text_everywhere_they_are_shown(self):
        title = f'{SCRIPT} Conga "vote" & {IMG}'
        self.index = self.publish(self.index, title=f"News {SCRIPT}", intro=f"Intro {IMG}")
        story = self.publish(
            self.story, [paragraph("<p>Text.</p>")], title=title, summary=f"Summary {IMG}"
        )
        page = self.assert_nothing_runs(story.url, [title])
        soup = BeautifulSoup(page, "html.parser")
        self.assertIn(title, soup.title.string)
        self.assertIn(title, soup.find("h1").text)
        breadcrumbs = soup.find("nav", class_="breadcrumbs").text
        self.assertIn(title, breadcrumbs)
        self.assertIn(f"News {SCRIPT}", breadcrumbs)
        self.assertEqual(soup.find("meta", property="og:title")["content"], title)
        self.assert_nothing_runs("/news/", [title, f"Summary {IMG}"])
        self.assert_nothing_runs("/", [title])  # the latest news
        self.assert_nothing_runs("/search/?q=Conga", [title, f"Summary {IMG}"])
        for feed in ("/news/feed/rss/", "/news/feed/atom/"):
            problems, shown = feed_problems(self.client, feed)
            self.assertEqual(problems, [], feed)
            self.assertIn(title, shown)
            self.assertIn(f"Summary {IMG}", shown)
        sitemap = self.client.get("/sitemap-pages.xml").content.decode()
        self.assertNotIn("<script", sitemap)

        self.client.force_login(self.editor)
        self.assert_nothing_runs(f"/admin/pages/{self.index.pk}/", [title])
        self.assert_nothing_runs(f"/admin/pages/{story.pk}/edit/")
        self.assert_nothing_runs(f"/admin/pages/{story.pk}/history/")
        # The dashboard's own "Scheduled" panel lists what expires.
        self.publish(story, [paragraph("<p>Text.</p>")], expire_at="31/12/2030 23:00")
        self.client.force_login(self.editor)
        dashboard = self.assert_nothing_runs("/admin/", [title])
        self.assertIn("Expires", dashboard)

    def test_the_moderators_email_about_a_title_with_markup_runs_nothing(self):
        title = f"{SCRIPT} Conga {IMG}"
        self.client.force_login(self.editor)
        data = edit_form(self.client, self.story, [paragraph("<p>Text.</p>")])
        data["title"] = title
        response = self.client.post(
            f"/admin/pages/{self.story.pk}/edit/", {**data, "action-submit": "1"}
        )
        self.assertEqual(response.status_code, 302)
        emails = [email for email in mail.outbox if self.moderator.email in email.to]
        self.assertTrue(emails)
        for email in emails:
            self.assertIn(title, email.subject + email.body)
            for content, mimetype in getattr(email, "alternatives", []):
                if mimetype == "text/html":
                    self.assertEqual(executable_markup(content), [])

    def test_an_event_link_must_be_a_web_address(self):
        event = EventPage.objects.get()
        self.client.force_login(self.moderator)
        for field in ("online_url", "registration_url"):
            data = edit_form(self.client, event, [paragraph("<p>Text.</p>")])
            data[field] = "javascript:alert(1)//https://example.org/"
            response = self.client.post(
                f"/admin/pages/{event.pk}/edit/", {**data, "action-publish": "1"}
            )
            self.assertEqual(response.status_code, 200, field)
            self.assertContains(response, "Enter a valid URL.")
        self.assertNotIn("javascript", str(EventPage.objects.get().online_url))


class SearchReflectionTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_site_content()

    def test_a_query_with_markup_or_a_script_url_is_shown_as_text(self):
        queries = [
            f'">{SCRIPT}',  # an unpaired quotation mark, which search drops
            'mining" autofocus onfocus="alert(1)',  # a pair, which it keeps
            f'">{SCRIPT}<b "',
            f"{IMG} mining",
            "javascript:alert(1)",
            "' onfocus=alert(1) autofocus x='",
        ]
        for query in queries:
            response = self.client.get("/search/", {"q": query})
            self.assertEqual(response.status_code, 200)
            html = response.content.decode()
            self.assertEqual(executable_markup(html), [], query)
            # Shown back as typed (but for the unpaired quotation mark).
            shown = clean_query(query)
            soup = BeautifulSoup(html, "html.parser")
            self.assertEqual(soup.find("input", id="search-query")["value"], shown)
            self.assertIn(f"for “{shown}”", soup.title.string)
            self.assertIn(f"for “{shown}”", soup.find("h2").text)


# --- Uploads ------------------------------------------------------------------------------------


def png(width, height, mode="RGB", noise=False):
    """A PNG: of one colour, which compresses to almost nothing, or of noise, which does not."""
    image = Image.new(mode, (width, height))
    if noise:
        image = Image.frombytes(mode, (width, height), os.urandom(width * height * len(mode)))
    buffer = io.BytesIO()
    image.save(buffer, "PNG")
    return buffer.getvalue()


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>'
HTML = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


class UploadTests(EditorialTestCase):
    """An editor uploads through the admin's forms: the single upload form and the
    drag-and-drop one ("Add documents" / "Add images"), which answers in JSON."""

    def setUp(self):
        self.client.force_login(self.editor)
        self.collection = Collection.objects.get(name=EDITORS_COLLECTION).pk

    def upload(self, kind, name, content, multiple=False):
        """Posts a file; returns the error the editor is shown (None when it is accepted)."""
        upload = SimpleUploadedFile(name, content)
        if multiple:
            response = self.client.post(
                f"/admin/{kind}/multiple/add/",
                {"files[]": upload, "collection": self.collection},
            )
            self.assertEqual(response.status_code, 200)
            answer = response.json()
            return None if answer["success"] else answer["error_message"]
        response = self.client.post(
            f"/admin/{kind}/add/", {"title": name, "file": upload, "collection": self.collection}
        )
        if response.status_code == 302:
            return None
        self.assertEqual(response.status_code, 200)
        errors = BeautifulSoup(response.content, "html.parser").select(".error-message")
        self.assertTrue(errors, "neither stored nor refused")
        return " ".join(error.get_text(" ", strip=True) for error in errors)

    def assert_nothing_stored(self, model):
        self.assertFalse(model.objects.exists())
        folder = Path(settings.MEDIA_ROOT) / (
            "documents" if model is Document else "original_images"
        )
        stored = {path.name for path in folder.glob("*")} if folder.exists() else set()
        self.assertFalse(stored & {"big.pdf", "page.html", "page.htm", "picture.svg", "big.png"})

    def test_a_document_over_the_size_limit_is_refused(self):
        limit = settings.WAGTAILDOCS_MAX_UPLOAD_SIZE
        over = PDF + b"0" * (limit - len(PDF) + 1)
        for multiple in (False, True):
            error = self.upload("documents", "big.pdf", over, multiple=multiple)
            self.assertIn("This file is too big", error)
            self.assertIn(f"Maximum filesize {filesizeformat(limit)}.", error)
        self.assert_nothing_stored(Document)
        # At the limit it goes in: the limit is what refused the other.
        self.assertIsNone(self.upload("documents", "limit.pdf", over[:-1]))

    def test_a_web_page_or_svg_document_is_refused(self):
        for name, content in [("page.html", HTML), ("page.htm", HTML), ("picture.svg", SVG)]:
            for multiple in (False, True):
                error = self.upload("documents", name, content, multiple=multiple)
                self.assertIsNotNone(error, name)
                self.assertIn("is not allowed", error)
        self.assert_nothing_stored(Document)

    def test_a_document_is_downloaded_never_shown_as_a_page_of_the_site(self):
        self.assertIsNone(self.upload("documents", "briefing.pdf", PDF))
        # Text that looks like a web page, in a type the site accepts.
        self.assertIsNone(self.upload("documents", "notes.txt", HTML))
        self.client.logout()
        for document in Document.objects.all():
            response = self.client.get(document.url)
            self.assertEqual(response.status_code, 200)
            self.assertTrue(
                response["Content-Disposition"].startswith("attachment;"), document.filename
            )
            self.assertIn(f'filename="{document.filename}"', response["Content-Disposition"])
            self.assertEqual(response["X-Content-Type-Options"], "nosniff")
            self.assertEqual(response["Content-Security-Policy"], "default-src 'none'")
            self.assertNotIn("html", response["Content-Type"])

    def test_an_image_over_the_size_limit_is_refused(self):
        limit = settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE
        # Noise does not compress: a picture with a byte of it for each byte of the limit.
        side = math.isqrt(limit // 3) + 1
        big = png(side, side, noise=True)
        self.assertGreater(len(big), limit)
        for multiple in (False, True):
            error = self.upload("images", "big.png", big, multiple=multiple)
            self.assertIn("This file is too big", error)
            self.assertIn(f"Maximum filesize {filesizeformat(limit)}.", error)
        self.assert_nothing_stored(Image_)
        self.assertIsNone(self.upload("images", "small.png", png(20, 20, noise=True)))

    def test_an_image_of_too_many_pixels_is_refused_however_small_the_file(self):
        # A one-colour picture a pixel larger than the limit each way compresses to a few KB.
        side = math.isqrt(settings.WAGTAILIMAGES_MAX_IMAGE_PIXELS) + 1
        bomb = png(side, side, mode="1")
        self.assertLess(len(bomb), settings.WAGTAILIMAGES_MAX_UPLOAD_SIZE // 100)
        for multiple in (False, True):
            error = self.upload("images", "big.png", bomb, multiple=multiple)
            self.assertIn("This file has too many pixels", error)
        self.assert_nothing_stored(Image_)

    def test_an_svg_image_is_refused(self):
        for multiple in (False, True):
            error = self.upload("images", "picture.svg", SVG, multiple=multiple)
            self.assertIsNotNone(error)
        self.assert_nothing_stored(Image_)

    def test_no_address_makes_a_rendition_of_any_size(self):
        # Wagtail's dynamic image view, which makes renditions to order, is not routed.
        with self.assertRaises(NoReverseMatch):
            reverse("wagtailimages_serve", args=["signature", 1, "width-100"])
        self.assertIsNone(self.upload("images", "small.png", png(64, 48)))
        image = Image_.objects.get()
        self.client.logout()
        for url in [
            f"/images/abcdef/{image.pk}/width-5000/",
            f"/images/abcdef/{image.pk}/fill-5000x5000/{image.filename}",
        ]:
            self.assertEqual(self.client.get(url).status_code, 404, url)
        # The admin's preview of a filter, for staff who may change the image, never enlarges it.
        self.client.force_login(self.editor)
        refused = self.client.get(f"/admin/images/{image.pk}/preview/scale-5000/")
        self.assertEqual(refused.status_code, 400)
        for spec in ("width-5000", "fill-5000x5000", "min-5000x5000", "max-5000x5000"):
            response = self.client.get(f"/admin/images/{image.pk}/preview/{spec}/")
            self.assertEqual(response.status_code, 200, spec)
            preview = Image.open(io.BytesIO(b"".join(response.streaming_content)))
            self.assertTrue(preview.width <= 64 and preview.height <= 48, (spec, preview.size))


# --- Logging in: the lockout and the password rules -------------------------------------------


@pytest.fixture
def lockouts(settings):
    """django-axes on, as in production (the test settings turn it off: see psgsite/settings)."""
    settings.AXES_ENABLED = True


@pytest.fixture
def staff(db):
    return {
        "edna": UserFactory(username="edna", is_superuser=True),
        "mo": UserFactory(username="mo", is_superuser=True),
    }


def log_in(client, username, password, ip="203.0.113.5", **headers):
    """Posts the admin's login form, as a browser does, from the given address."""
    return client.post(
        "/admin/login/",
        {"username": username, "password": password, "next": "/admin/"},
        REMOTE_ADDR=ip,
        **headers,
    )


def logged_in(response):
    return response.status_code == 302 and response["Location"] == "/admin/"


def fail_until_locked(client, username="edna", ip="203.0.113.5"):
    for attempt in range(1, settings.AXES_FAILURE_LIMIT + 1):
        response = log_in(client, username, f"wrong-password-{attempt}", ip)
        if attempt < settings.AXES_FAILURE_LIMIT:
            assert response.status_code == 200, attempt
            assert "Your username and password didn" in response.content.decode()
    return response


def test_five_wrong_passwords_lock_the_account_from_that_address(client, lockouts, staff, caplog):
    with caplog.at_level(logging.WARNING, logger="axes"):
        response = fail_until_locked(client)
    assert response.status_code == 429
    page = response.content.decode()
    assert "Too many failed logins" in page
    # The page tells the truth about how long the pause lasts.
    minutes = round(settings.AXES_COOLOFF_TIME * 60)
    assert f"paused for {minutes} minutes" in page
    # The lockout is in the log as a warning, once; django-axes masks the account and the
    # address there (AXES_SENSITIVE_PARAMETERS), and no password tried is written.
    lockout = [r for r in caplog.records if "Locking out" in r.getMessage()]
    assert len(lockout) == 1
    assert lockout[0].levelno == logging.WARNING and lockout[0].name.startswith("axes")
    assert "/admin/login/" in lockout[0].getMessage()
    assert not [r for r in caplog.records if "wrong-password" in r.getMessage()]

    # Now even the right password is refused, and no session is made.
    right = log_in(client, "edna", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in client.session
    # The wrong passwords tried are not kept in the record of the attempts.
    attempt = AccessAttempt.objects.get(username="edna")
    assert attempt.failures_since_start > settings.AXES_FAILURE_LIMIT  # the refused one counts
    assert "wrong-password" not in attempt.post_data


def test_the_locked_address_cannot_try_other_accounts(client, lockouts, staff):
    fail_until_locked(client, "edna")
    assert log_in(client, "mo", PASSWORD).status_code == 429
    # Nor escape by claiming to be forwarded for someone else (no proxy is trusted here).
    forged = log_in(client, "mo", PASSWORD, HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert forged.status_code == 429


def test_behind_a_trusted_proxy_each_visitor_is_locked_out_alone(client, lockouts, staff):
    """Behind a load balancer every request comes from its address: the visitor's is the one the
    proxy put in X-Forwarded-For (DJANGO_TRUSTED_PROXY_COUNT)."""
    proxy = "10.0.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        for attempt in range(settings.AXES_FAILURE_LIMIT):
            log_in(
                client, "edna", f"wrong-{attempt}", ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7"
            )
        locked = log_in(client, "edna", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert locked.status_code == 429
        other = log_in(client, "edna", PASSWORD, ip=proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
        assert logged_in(other)


def test_the_account_still_logs_in_from_another_address(client, lockouts, staff):
    """The lockout is per address (and per account at an address), so that an attacker cannot
    lock staff out of their own accounts from elsewhere."""
    fail_until_locked(client, "edna")
    assert logged_in(log_in(client, "edna", PASSWORD, ip="198.51.100.7"))


def test_spread_over_accounts_the_failures_still_lock_the_address(client, lockouts, staff):
    for attempt in range(settings.AXES_FAILURE_LIMIT):
        username = ["edna", "mo", "nobody"][attempt % 3]
        response = log_in(client, username, "wrong-password")
    assert response.status_code == 429
    assert log_in(client, "edna", PASSWORD).status_code == 429


def test_after_the_cool_off_the_right_password_works_again(client, lockouts, staff):
    fail_until_locked(client)
    assert log_in(client, "edna", PASSWORD).status_code == 429
    # A minute short of the cool-off it is still locked...
    cooloff = datetime.timedelta(hours=settings.AXES_COOLOFF_TIME)
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - cooloff + datetime.timedelta(minutes=1)
    )
    assert log_in(client, "edna", PASSWORD).status_code == 429
    # ...and once it has passed, the right password logs in and clears the count.
    AccessAttempt.objects.update(
        attempt_time=timezone.now() - cooloff - datetime.timedelta(minutes=1)
    )
    assert logged_in(log_in(client, "edna", PASSWORD))
    assert not AccessAttempt.objects.exists()


def test_fewer_failures_than_the_limit_lock_nothing(client, lockouts, staff):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        log_in(client, "edna", "wrong-password")
    assert logged_in(log_in(client, "edna", PASSWORD))


WEAK_PASSWORDS = {
    "password123": "This password is too common.",
    "Xq7#vB2!": "This password is too short. It must contain at least 12 characters.",
    "739104628153": "This password is entirely numeric.",
    "edna-example-org": "The password is too similar to the",
}


@pytest.mark.parametrize("password, error", WEAK_PASSWORDS.items())
def test_a_new_user_needs_a_strong_password(client, staff, password, error):
    client.force_login(staff["mo"])
    data = {
        "username": "newuser",
        "email": "edna-example-org@example.org",
        "first_name": "New",
        "last_name": "User",
        "password1": password,
        "password2": password,
    }
    response = client.post("/admin/users/new/", data)
    assert response.status_code == 200
    assert error in response.content.decode()
    assert not get_user_model().objects.filter(username="newuser").exists()
    # A strong one is accepted: the password was what was wrong.
    strong = {**data, "password1": "copper-llama-andes-42", "password2": "copper-llama-andes-42"}
    assert client.post("/admin/users/new/", strong).status_code == 302
    assert get_user_model().objects.filter(username="newuser").exists()


@pytest.mark.parametrize("password, error", list(WEAK_PASSWORDS.items())[:3])
def test_a_changed_password_must_be_strong(client, staff, password, error):
    user = staff["edna"]
    client.force_login(user)
    form = {
        "password-old_password": PASSWORD,
        "password-new_password1": password,
        "password-new_password2": password,
    }
    response = client.post("/admin/account/", form)
    assert response.status_code == 200
    assert error in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)


# --- Headers and cookies of the production stack ------------------------------------------------

# What the load balancer that ends TLS tells the app servers.
HTTPS = {"X-Forwarded-Proto": "https"}
SENSITIVE_FEATURES = [
    "camera",
    "microphone",
    "geolocation",
    "payment",
    "usb",
    "display-capture",
    "accelerometer",
    "gyroscope",
    "magnetometer",
]


def content_security_policy(response):
    """The policy as a browser reads it: directive -> list of sources."""
    policy = {}
    for directive in response.headers["Content-Security-Policy"].split(";"):
        name, *sources = directive.split()
        assert name not in policy, f"{name} twice"
        policy[name.lower()] = sources
    return policy


def script_sources(policy):
    return policy.get("script-src", policy.get("default-src"))


def permissions_policy(response):
    """Feature -> allow-list, from the Permissions-Policy header (structured field syntax)."""
    features = {}
    for item in response.headers["Permissions-Policy"].split(","):
        name, _, allowed = item.strip().partition("=")
        features[name] = allowed.strip("()").split()
    return features


def set_cookies(response):
    """Every Set-Cookie header, parsed: name -> morsel (requests would merge them)."""
    cookies = SimpleCookie()
    for header in response.raw.headers.getlist("Set-Cookie"):
        cookies.load(header)
    return cookies


@pytest.fixture
def production(start_production_server):
    load_site_content()
    MembershipTypeFactory()  # the join page shows its form
    # Hashed as production hashes (the test settings' fast hasher is not among its hashers).
    hasher = PBKDF2PasswordHasher()
    admin = UserFactory(username="admin", is_superuser=True)
    admin.password = hasher.encode(PASSWORD, hasher.salt())
    admin.save()
    return start_production_server()


def test_every_page_carries_the_security_headers(production):
    pages = {
        "a public page": "/about-us/",
        "the join page": "/join/",
        "a missing page": "/no-such-page/",
        "the admin": "/admin/login/",
    }
    for what, path in pages.items():
        response = requests.get(
            production.url + path, headers=HTTPS, allow_redirects=False, timeout=10
        )
        assert response.status_code == (404 if "missing" in what else 200), what
        headers = response.headers

        policy = content_security_policy(response)
        scripts = script_sources(policy)
        assert "'self'" in scripts, what
        assert not [source for source in scripts if "*" in source], what
        assert not [s for s in scripts if s.startswith(("http:", "https:", "data:"))], what
        assert policy["object-src"] == ["'none'"], what
        assert policy["base-uri"] == ["'self'"], what
        # Never framed by another site; the admin frames its own previews.
        assert policy["frame-ancestors"] in (["'self'"], ["'none'"]), what
        if what == "the admin":
            # Relaxed for Wagtail's own scripts, still only from this site.
            assert "'unsafe-inline'" in scripts and "'unsafe-eval'" in scripts
        else:
            assert "'unsafe-inline'" not in scripts, what
            assert "'unsafe-eval'" not in scripts, what
            assert policy["style-src"] == ["'self'"], what
            assert policy["default-src"] == ["'self'"], what

        hsts = dict(
            (part.strip().partition("=")[0].lower(), part.strip().partition("=")[2])
            for part in headers["Strict-Transport-Security"].split(";")
        )
        assert int(hsts["max-age"]) >= 365 * 24 * 60 * 60, what
        assert "includesubdomains" in hsts, what
        assert headers["X-Content-Type-Options"] == "nosniff", what
        assert headers["Referrer-Policy"] == "strict-origin-when-cross-origin", what
        assert headers["Cross-Origin-Opener-Policy"] == "same-origin", what
        assert headers["X-Frame-Options"] in ("DENY", "SAMEORIGIN"), what

        features = permissions_policy(response)
        for feature in SENSITIVE_FEATURES:
            assert features.get(feature) == [], (what, feature)
        assert not [f for f, allowed in features.items() if "*" in allowed], what


def test_hsts_only_over_https(production):
    """Browsers ignore HSTS over plain HTTP; the load balancer's own checks come that way."""
    response = requests.get(production.url + "/health/", timeout=10)
    assert response.status_code == 200
    assert "Strict-Transport-Security" not in response.headers


def test_cookies_are_secure_and_same_site(production):
    session = production.url
    join = requests.get(session + "/join/", headers=HTTPS, timeout=10)
    assert join.status_code == 200
    csrf = set_cookies(join)["csrftoken"]
    assert csrf["secure"] and csrf["samesite"] == "Lax"

    # Log in as a browser does: the form's token, the cookie sent back, the site's own origin.
    login = requests.get(session + "/admin/login/", headers=HTTPS, timeout=10)
    token = BeautifulSoup(login.text, "html.parser").find("input", {"name": "csrfmiddlewaretoken"})[
        "value"
    ]
    cookie = set_cookies(login)["csrftoken"].value
    response = requests.post(
        session + "/admin/login/",
        data={"username": "admin", "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={
            **HTTPS,
            "Cookie": f"csrftoken={cookie}",
            "Origin": f"https://127.0.0.1:{production.port}",
            "Referer": f"https://127.0.0.1:{production.port}/admin/login/",
        },
        allow_redirects=False,
        timeout=10,
    )
    assert response.status_code == 302, BeautifulSoup(response.text, "html.parser").main
    cookies = set_cookies(response)
    sessionid = cookies["sessionid"]
    assert sessionid["secure"] and sessionid["httponly"] and sessionid["samesite"] == "Lax"
    for morsel in cookies.values():
        assert morsel["secure"] and morsel["samesite"] == "Lax", morsel.key

    # The health check, which load balancers call every few seconds, sets none.
    health = requests.get(session + "/health/", headers=HTTPS, timeout=10)
    assert health.status_code == 200
    assert "Set-Cookie" not in health.headers


def test_what_a_logged_in_editor_is_sent_no_shared_cache_keeps(production):
    """Pages with the editors' bar, and the admin, are private; readers' pages are not."""
    reader, editor = WebClient(), WebClient()
    log_in_to(editor, production, staff_user("mo", is_superuser=True))
    for path in ("/", "/about-us/", "/news/", "/admin/"):
        seen = editor.get(production.url + path)
        assert seen.status == 200, path
        assert "private" in seen.headers["Cache-Control"], path
    assert "<wagtail-userbar" in editor.get(production.url + "/about-us/").text
    for path in ("/", "/about-us/", "/news/"):
        assert "private" not in reader.get(production.url + path).headers.get("Cache-Control", "")


def test_the_login_without_a_page_to_return_to_lands_in_the_admin(client, staff):
    form = client.get(reverse("wagtailcore_login"))
    assert form.status_code == 200
    response = client.post(reverse("wagtailcore_login"), {"username": "edna", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("wagtailadmin_home")
