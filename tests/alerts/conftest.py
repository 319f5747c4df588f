"""A site with news on two topics, the subscribe form's data, and a real SMTP server on
loopback whose messages are parsed as a mail program would."""

import email
import email.policy
import re
import time
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller

from django.core import signing
from django.test import override_settings

from home.models import SiteSettings
from membership.forms import started_token
from news.models import Topic
from tests.conftest import Inbox, free_port
from tests.factories import NewsPageFactory

ORGANISATION = "Peru Support Group"


@pytest.fixture
def news_site(news_index):
    """The news index with a story on Mining and Water, and a third topic no item carries."""
    settings = SiteSettings.for_site(news_index.get_site())
    settings.organisation_name = ORGANISATION
    settings.save()
    story = NewsPageFactory(parent=news_index, title="Conga mine dispute", slug="conga")
    story.topics.add("Mining", "Water")
    story.save_revision().publish()
    Topic.objects.create(name="Elections", slug="elections")
    return {"index": news_index, "story": story, "topics": topics()}


def topics():
    return {topic.slug: topic for topic in Topic.objects.all()}


def signup_data(**changes):
    """What a person sends from the subscribe page, started a minute ago."""
    data = {
        "email": "ana@example.org",
        "news": "on",
        "frequency": "immediate",
        "website": "",
        "started": started_token(at=time.time() - 60),
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def signed_long_ago(value, salt, days):
    """A token signed `days` ago, as the site would have signed it then."""

    class PastSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - days * 24 * 60 * 60)

    return PastSigner(salt=salt).sign_object(value)


@pytest.fixture
def smtp_port():
    port = free_port()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_TIMEOUT=5,
    ):
        yield port


@pytest.fixture
def inbox(smtp_port):
    """A real SMTP server on loopback, with what it receives."""
    received = Inbox()
    controller = Controller(received, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    yield received
    controller.stop()


def parsed(message):
    """A message as received, parsed as a mail program reads it."""
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def text_and_html(message):
    message = parsed(message)
    return (
        message.get_body(preferencelist=("plain",)).get_content(),
        message.get_body(preferencelist=("html",)).get_content(),
    )


def link_in(text, name):
    """The path of the one /alerts/<name>/ link in the text."""
    found = set(re.findall(rf"https?://[^\s\"<>]+/alerts/{name}/[^\s\"<>]+/", text))
    assert len(found) == 1, found
    return urlsplit(found.pop()).path
