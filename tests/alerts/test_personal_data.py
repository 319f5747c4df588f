"""Subscriptions in the admin's personal data requests: a reader's subscription and the alerts
still queued to them are found by address, downloaded and erased with the rest of what is kept
about them."""

import json

import pytest

from wagtail.test.utils import WagtailTestUtils

from alerts.models import Subscription
from membership.models import QueuedEmail
from psgsite.roles import MEMBERSHIP_SECRETARIES, set_up_roles
from tests.alerts.subscribers import make_subscribers
from tests.factories import MembershipApplicationFactory, MembershipTypeFactory, UserFactory

PERSONAL_DATA = "/admin/membership/personal-data/"


@pytest.fixture
def secretary_client(client, home):
    set_up_roles()
    client.force_login(UserFactory(groups=[MEMBERSHIP_SECRETARIES]))
    return client


@pytest.fixture
def people(db):
    """The subscribers, with an alert queued to Ben and one to Cy."""
    people = make_subscribers()
    for name in ("ben", "cy"):
        QueuedEmail.objects.create(
            to=[people[name].email],
            subject=f"New briefing, for {name}",
            body="A briefing was published.",
            html_body="<p>A briefing was published.</p>",
            headers={"List-Unsubscribe": "<https://example.org/alerts/unsubscribe/x/>"},
        )
    return people


def post(client, email, action, **data):
    return client.post(PERSONAL_DATA, {"email": email, "action": action, **data})


def subscriptions_shown(response):
    assert response.status_code == 200, response.status_code
    soup = WagtailTestUtils.get_soup(response.content)
    return [
        [cell.get_text(strip=True) for cell in row.find_all("td")]
        for row in soup.select("[data-personal-data=email_alert_subscriptions] tbody tr")
    ]


@pytest.mark.parametrize("email", ["ben@example.org", " BEN@EXAMPLE.ORG ", "Ben@Example.org"])
def test_a_subscription_is_found_by_its_address_in_any_capitals(secretary_client, people, email):
    response = post(secretary_client, email, "find")
    [row] = subscriptions_shown(response)
    assert row[:3] == ["Ben@Example.org", "Briefings, Mining", "A weekly digest"]
    html = response.content.decode()
    assert "Email alert subscriptions (1)" in html
    # The alert queued to Ben is found by its recipient.
    assert "Emails waiting to be sent (1)" in html and "New briefing, for ben" in html
    assert "cy@example.net" not in html and "for cy" not in html


def test_the_export_holds_the_subscription_its_choices_topics_and_dates(secretary_client, people):
    response = post(secretary_client, "ben@example.org", "export")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = json.loads(response.content)
    ben = people["ben"]
    assert data["email_alert_subscriptions"] == [
        {
            "email": "Ben@Example.org",
            "follows": "Briefings, Mining",
            "news": False,
            "briefings": True,
            "events": False,
            "topics": ["Mining"],
            "frequency": "weekly",
            "language": "es",
            "created_at": ben.created_at.isoformat(),
            "confirmation_sent_at": None,
            "confirmed_at": ben.confirmed_at.isoformat(),
            "digest_from": None,
            "next_digest_at": None,
        }
    ]
    assert [email["subject"] for email in data["emails_waiting_to_be_sent"]] == [
        "New briefing, for ben"
    ]
    text = response.content.decode()
    # Not the secret its links carry, and nothing of anyone else.
    assert ben.key not in text
    assert "cy@example.net" not in text and "dee@example.org" not in text


def test_erasing_removes_the_subscription_and_its_queued_alerts(secretary_client, people):
    response = post(secretary_client, "BEN@example.org", "erase", confirm="yes")
    assert response.status_code == 302
    messages = [str(m) for m in secretary_client.get(response.url).context["messages"]]
    assert messages == [
        "Erased 0 application(s), 0 registration(s) of interest, 1 email alert "
        "subscription(s) and 1 queued email(s) for that address."
    ]
    assert sorted(Subscription.objects.values_list("email", flat=True)) == [
        "ana@example.org",
        "cy@example.net",
        "dee@example.org",
    ]
    assert list(QueuedEmail.objects.values_list("to", flat=True)) == [["cy@example.net"]]
    # The topic Ben followed stays, with its other follower.
    assert list(people["mining"].subscriptions.all()) == [people["dee"]]
    assert (
        "Nothing is stored for this address."
        in post(secretary_client, "ben@example.org", "find").content.decode()
    )


def test_one_request_erases_a_members_application_and_subscription(secretary_client, people):
    MembershipApplicationFactory(
        email="ana@example.org", membership_type=MembershipTypeFactory(name="Individual")
    )
    response = post(secretary_client, "ana@example.org", "erase", confirm="yes")
    messages = [str(m) for m in secretary_client.get(response.url).context["messages"]]
    assert messages == [
        "Erased 1 application(s), 0 registration(s) of interest, 1 email alert "
        "subscription(s) and 0 queued email(s) for that address."
    ]
    assert not Subscription.objects.filter(email="ana@example.org").exists()


def test_an_address_with_nothing_finds_nothing(secretary_client, people):
    before = list(Subscription.objects.values_list("pk", flat=True))
    response = post(secretary_client, "nobody@example.org", "find")
    assert subscriptions_shown(response) == []
    assert "Nothing is stored for this address." in response.content.decode()
    data = json.loads(post(secretary_client, "nobody@example.org", "export").content)
    assert data["email_alert_subscriptions"] == []
    assert data["emails_waiting_to_be_sent"] == []
    # A part of an address is not the address.
    assert subscriptions_shown(post(secretary_client, "en@example.org", "find")) == []
    post(secretary_client, "nobody@example.org", "erase", confirm="yes")
    assert list(Subscription.objects.values_list("pk", flat=True)) == before


def test_queued_emails_are_matched_by_the_whole_address(secretary_client, people):
    for to in (["reuben@example.org"], ["ben@example.org.pe"], ["BEN@EXAMPLE.ORG "]):
        QueuedEmail.objects.create(to=to, subject=f"To {to[0]}", body="-")
    data = json.loads(post(secretary_client, "ben@example.org", "export").content)
    assert [email["to"] for email in data["emails_waiting_to_be_sent"]] == [
        ["Ben@Example.org"],
        ["BEN@EXAMPLE.ORG "],
    ]


def test_an_address_beyond_ascii_is_found_too(secretary_client, db):
    Subscription.objects.create(email="lucia@perú.pe", news=True)
    QueuedEmail.objects.create(to=["lucia@perú.pe"], subject="New briefing", body="-")
    QueuedEmail.objects.create(to=["lucia@peru.pe"], subject="Someone else's", body="-")
    data = json.loads(post(secretary_client, "lucia@perú.pe", "export").content)
    assert [s["email"] for s in data["email_alert_subscriptions"]] == ["lucia@perú.pe"]
    assert [e["subject"] for e in data["emails_waiting_to_be_sent"]] == ["New briefing"]
