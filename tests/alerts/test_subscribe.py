"""Subscribing at /alerts/: one subscription per address, a confirmation email through a real
SMTP conversation, and every bad submission refused with nothing stored or sent."""

import time
from datetime import timedelta

import pytest

from django.core import signing
from django.utils import timezone

from alerts.forms import NOTHING_CHOSEN
from alerts.models import Subscription
from alerts.signup import RESEND_AFTER
from membership.forms import STARTED_SALT
from membership.models import QueuedEmail
from tests.alerts.conftest import ORGANISATION, link_in, parsed, signed_long_ago, signup_data
from tests.alerts.conftest import text_and_html as parts

pytestmark = pytest.mark.django_db

URL = "/alerts/"
CHECK_EMAIL = "/alerts/check-email/"


def nothing_stored():
    return not Subscription.objects.exists() and not QueuedEmail.objects.exists()


def test_the_subscribe_page_offers_every_choice_and_the_privacy_notice(client, news_site):
    response = client.get(URL)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<h1>Email alerts</h1>" in page
    for label in ("All news and briefings", "Briefings", "Events", "Elections", "Mining", "Water"):
        assert f"{label}<" in page, label
    assert 'value="immediate" id="id_frequency_0" checked' in page
    assert "privacy notice" in page
    # No CSRF token: the page, like the compact forms, can be served from the page cache.
    assert "csrfmiddlewaretoken" not in page
    assert 'name="website"' in page and 'name="started"' in page
    # For search engines: what the page offers, and its one address whatever the query.
    assert '<meta name="description" content="Get our news, briefings and events' in page
    assert '<link rel="canonical" href="http://testserver/alerts/">' in page


def test_a_new_address_gets_one_unconfirmed_subscription_and_a_confirmation_email(
    client, news_site, inbox
):
    mining = news_site["topics"]["mining"]
    data = signup_data(events="on", topics=[str(mining.pk)], frequency="weekly")
    response = client.post(URL, data)
    assert response.status_code == 302 and response["Location"] == CHECK_EMAIL
    assert "Check your email" in client.get(CHECK_EMAIL).content.decode()

    subscription = Subscription.objects.get()
    assert subscription.email == "ana@example.org"
    assert (subscription.news, subscription.briefings, subscription.events) == (True, False, True)
    assert list(subscription.topics.all()) == [mining]
    assert subscription.frequency == "weekly"
    assert not subscription.is_confirmed and subscription.confirmation_sent_at is not None
    assert not QueuedEmail.objects.exists()  # sent at once, so no longer waiting

    [message] = inbox.messages
    message = parsed(message)
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == f"Confirm your email alerts from the {ORGANISATION}"
    assert message["List-Unsubscribe"] is None
    text, html = parts(message)
    for body in (text, html):
        assert "All news and briefings, Events, Mining" in body
        assert "A weekly digest" in body
        assert "ana@example.org" in body
    assert link_in(text, "confirm") == link_in(html, "confirm")


def test_the_page_can_be_prefilled_from_its_address(client, news_site):
    page = client.get(f"{URL}?topic=mining&follow=briefings").content.decode()
    mining = news_site["topics"]["mining"]
    assert f'value="{mining.pk}" id="id_topics_' in page
    checked = page.split(f'value="{mining.pk}"')[1].split(">")[0]
    assert "checked" in checked
    assert 'name="briefings" id="id_briefings" checked' in page
    assert 'name="news" id="id_news" checked' not in page


@pytest.mark.parametrize(
    "query",
    [
        "?topic=no-such-topic&follow=everything",
        "?topic=%00&follow=%00",
        "?topic=<script>&follow=<b>",
        "?topic=" + "a" * 5000,
        "?follow=news&follow=news&topic=mining&topic=water&topic=",
        "?topic[]=mining&page=-1",
    ],
)
def test_unknown_or_odd_prefill_values_are_ignored(client, news_site, query):
    response = client.get(URL + query)
    assert response.status_code == 200
    page = response.content.decode()
    assert "<script>" not in page.split("<main")[1] and "<b>" not in page
    assert "Error:" not in page


def test_subscribing_twice_in_other_capitals_and_spaces_makes_one_subscription(
    client, news_site, inbox
):
    water = news_site["topics"]["water"]
    assert client.post(URL, signup_data()).status_code == 302
    again = signup_data(email="  ANA@Example.ORG ", news=None, topics=[str(water.pk)])
    assert client.post(URL, again).status_code == 302

    subscription = Subscription.objects.get()
    # Unconfirmed, so the later choices replace the earlier ones.
    assert subscription.email == "ANA@example.org"
    assert subscription.news is False and list(subscription.topics.all()) == [water]
    # The second confirmation waits: the form cannot be used to flood an inbox.
    assert len(inbox.messages) == 1

    Subscription.objects.update(confirmation_sent_at=timezone.now() - RESEND_AFTER)
    assert client.post(URL, signup_data(email="ana@example.org")).status_code == 302
    assert Subscription.objects.count() == 1
    assert len(inbox.messages) == 2
    assert parsed(inbox.messages[1])["To"] == "ana@example.org"


def test_a_confirmed_subscription_is_left_as_it_is_and_its_owner_told(client, news_site, inbox):
    subscription = Subscription.objects.create(email="ana@example.org", events=True)
    subscription.confirm()
    data = signup_data(email="Ana@example.org", news="on", frequency="weekly")
    response = client.post(URL, data)
    assert response["Location"] == CHECK_EMAIL

    subscription.refresh_from_db()
    assert (subscription.news, subscription.events, subscription.frequency) == (
        False,
        True,
        "immediate",
    )
    assert subscription.email == "ana@example.org"
    [message] = inbox.messages
    message = parsed(message)
    assert message["To"] == "ana@example.org"
    assert message["Subject"] == f"You already get email alerts from the {ORGANISATION}"
    text, html = parts(message)
    assert "nothing has changed" in text and "Events" in text
    assert "/alerts/confirm/" not in text + html
    manage = client.get(link_in(text, "manage"))
    assert manage.status_code == 200 and "ana@example.org" in manage.content.decode()
    assert link_in(html, "manage") == link_in(text, "manage")

    # Sent again at once, it mails no one.
    assert client.post(URL, data)["Location"] == CHECK_EMAIL
    assert len(inbox.messages) == 1


def test_every_outcome_answers_alike(client, news_site):
    """Whether the address is new, waiting, subscribed or a bot's: the same page."""
    confirmed = Subscription.objects.create(email="confirmed@example.org", news=True)
    confirmed.confirm()
    Subscription.objects.create(email="waiting@example.org", news=True)
    answers = {
        client.post(URL, data)["Location"]
        for data in (
            signup_data(email="new@example.org"),
            signup_data(email="waiting@example.org"),
            signup_data(email="confirmed@example.org"),
            signup_data(email="bot@example.org", website="https://spam.example"),
        )
    }
    assert answers == {CHECK_EMAIL}
    assert not Subscription.objects.filter(email="bot@example.org").exists()


@pytest.mark.parametrize(
    ("changes", "error"),
    [
        ({"email": None}, "Enter your email address."),
        ({"email": "   "}, "Enter your email address."),
        ({"email": "not an address"}, "Enter an email address like name@example.org."),
        ({"email": "ana@example.org\nBcc: x@example.org"}, "Enter an email address like"),
        ({"email": "a" * 250 + "@example.org"}, "at most 254 characters"),
        ({"news": None}, NOTHING_CHOSEN),
        ({"news": None, "frequency": "weekly"}, NOTHING_CHOSEN),
        ({"topics": ["999999"]}, "not on our list"),
        ({"topics": ["mining"]}, "not on our list"),
        ({"topics": ["<b>1</b>"]}, "not on our list"),
        ({"topics": ["1\x00"]}, "Null characters are not allowed."),
        ({"email": "ana\x00@example.org"}, "Enter an email address like"),
        ({"frequency": "hourly"}, "Choose how often we should write to you."),
        ({"started": "made-up"}, "Please check your details and send the form again."),
        ({"started": None}, "Please check your details and send the form again."),
    ],
)
def test_a_bad_submission_is_refused_with_a_clear_error_and_nothing_stored(
    client, news_site, changes, error
):
    response = client.post(URL, signup_data(**changes))
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page
    assert "<title>Error: " in page
    assert 'class="error-summary"' in page
    assert nothing_stored()


def test_nothing_chosen_links_to_the_choices_and_keeps_the_address(client, news_site):
    page = client.post(URL, signup_data(news=None)).content.decode()
    assert f'<a href="#id_news">{NOTHING_CHOSEN}</a>' in page
    assert 'aria-describedby="follow-error"' in page
    assert 'value="ana@example.org"' in page


def test_markup_typed_in_is_shown_as_text_never_run(client, news_site, inbox):
    script = "<script>alert(1)</script>"
    page = client.post(URL, signup_data(email=script)).content.decode()
    assert script not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page

    # A quoted local part may hold markup and still be a valid address: it is escaped
    # wherever it is shown.
    address = f'"{script}"@example.org'
    assert client.post(URL, signup_data(email=address))["Location"] == CHECK_EMAIL
    [message] = inbox.messages
    text, html = parts(message)
    assert script not in html and "&lt;script&gt;" in html
    confirm = client.get(link_in(text, "confirm")).content.decode()
    assert script not in confirm and "&lt;script&gt;" in confirm


def test_a_filled_honeypot_is_thanked_and_forgotten(client, news_site, inbox):
    response = client.post(URL, signup_data(website="http://spam.example"))
    assert response["Location"] == CHECK_EMAIL
    assert nothing_stored() and inbox.messages == []


def test_a_form_sent_faster_than_a_person_can_is_refused(client, news_site):
    data = signup_data(started=signing.dumps(time.time(), salt=STARTED_SALT))
    page = client.post(URL, data).content.decode()
    assert "Please check your details and send the form again." in page
    assert nothing_stored()
    # The start time is kept, so that waiting a moment and sending again works.
    assert f'value="{data["started"]}"' in page


def test_an_expired_form_comes_back_with_its_values_and_a_new_start_time(client, news_site):
    old = signed_long_ago(time.time() - 2 * 86400, STARTED_SALT, days=2)
    water = news_site["topics"]["water"]
    data = signup_data(started=old, events="on", topics=[str(water.pk)])
    response = client.post(URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "Please check your details and send the form again." in page
    assert 'value="ana@example.org"' in page
    assert 'name="events" id="id_events" checked' in page
    started = page.split('name="started" value="')[1].split('"')[0]
    assert started != old
    assert time.time() - signing.loads(started, salt=STARTED_SALT, max_age=60) < 60
    assert nothing_stored()


def test_one_connection_may_subscribe_only_so_often(client, news_site, settings):
    settings.ALERTS_SUBSCRIPTIONS_PER_HOUR = 2
    for n in range(2):
        assert client.post(URL, signup_data(email=f"p{n}@example.org")).status_code == 302
    response = client.post(URL, signup_data(email="p2@example.org"))
    assert response.status_code == 429
    assert "too many subscriptions from your connection" in response.content.decode()
    assert Subscription.objects.count() == 2
    # Another connection is not held back.
    other = client.post(URL, signup_data(email="p3@example.org"), REMOTE_ADDR="192.0.2.9")
    assert other.status_code == 302


def test_the_confirmation_waits_in_the_outbox_when_the_mail_server_is_down(
    client, news_site, smtp_port
):
    assert client.post(URL, signup_data())["Location"] == CHECK_EMAIL
    [queued] = QueuedEmail.objects.all()
    assert queued.to == ["ana@example.org"] and queued.attempts == 1
    assert "/alerts/confirm/" in queued.body and "/alerts/confirm/" in queued.html_body
    assert Subscription.objects.get().confirmation_sent_at is not None


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(client, news_site, method):
    assert getattr(client, method)(URL).status_code == 405
    assert getattr(client, method)(CHECK_EMAIL).status_code == 405


def test_the_check_email_page_takes_no_post(client, news_site):
    assert client.post(CHECK_EMAIL, signup_data()).status_code == 405
    assert nothing_stored()


def test_a_subscription_made_long_ago_and_never_confirmed_can_be_asked_for_again(
    client, news_site, inbox
):
    old = timezone.now() - timedelta(days=3)
    Subscription.objects.create(
        email="ana@example.org", events=True, created_at=old, confirmation_sent_at=old
    )
    assert client.post(URL, signup_data())["Location"] == CHECK_EMAIL
    assert len(inbox.messages) == 1
    text, _html = parts(inbox.messages[0])
    assert client.get(link_in(text, "confirm")).status_code == 200
