"""Subscribers, items to announce, the subscribe form's data, and a real SMTP server on
loopback whose messages are parsed as a mail program would."""

import datetime
import email
import email.policy
import re
import time
from urllib.parse import urlsplit

import pytest

from django.core import signing
from django.utils import timezone

from alerts.models import Subscription
from home.models import SiteSettings
from membership.forms import started_token
from news.models import Topic
from tests.factories import NewsPageFactory

ORGANISATION = "Peru Support Group"


@pytest.fixture
def site_news(news_index):
    """The news index of a site served over HTTPS, as production's is."""
    site = news_index.get_site()
    site.port = 443
    site.save()
    settings = SiteSettings.for_site(site)
    settings.organisation_name = ORGANISATION
    settings.save()
    return news_index


@pytest.fixture
def topics(db):
    return {
        name: Topic.objects.create(name=name, slug=name.lower().replace(" ", "-"))
        for name in ("Mining", "Human rights", "Land rights")
    }


def subscribe(email_address, topics=(), confirmed=True, **choices):
    """A subscription as the subscribe and confirm pages leave it."""
    subscription = Subscription.objects.create(email=email_address, **choices)
    subscription.topics.set(topics)
    if confirmed:
        subscription.confirm()
    return subscription


def publish_new(parent, factory=NewsPageFactory, topics=(), **fields):
    """A new item published through Wagtail's API, as the admin's Publish button does; dated
    today unless told otherwise."""
    fields.setdefault("date", timezone.localdate())
    page = factory(parent=parent, live=False, **fields)
    for topic in topics:
        page.topics.add(topic)
    page.save_revision().publish()
    return page.specific_class.objects.get(pk=page.pk)


def schedule(page, minutes_ago=1):
    """A revision approved to go live `minutes_ago`, as if its time had just come."""
    when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    page.go_live_at = when
    return page.save_revision(approved_go_live_at=when, clean=False)


def days_ago(days):
    return timezone.localdate() - datetime.timedelta(days=days)


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
    return {"index": news_index, "story": story, "topics": topics_by_slug()}


def topics_by_slug():
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
def inbox(mail_server):
    return mail_server()


def recipients(inbox):
    return sorted(message["To"] for message in inbox.messages)


def parsed(message):
    """A message as a mail client reads it: long headers, folded in transit, unfolded."""
    return email.message_from_bytes(message.as_bytes(), policy=email.policy.default)


def parts(message):
    """The plain-text and HTML parts of a message as it arrived, decoded."""
    found = {}
    for part in email.message_from_bytes(message.as_bytes()).walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            found[part.get_content_type()] = part.get_payload(decode=True).decode(
                part.get_content_charset()
            )
    return found["text/plain"], found["text/html"]


def links(text):
    return re.findall(r"https?://[^\s<>\"]+", text)


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
