"""Subject access and erasure requests through the admin's personal data page, as the
membership secretary makes them: find a person by email, download what is stored about them,
and erase it; and no one else may."""

import datetime
import json

import pytest

from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from wagtail.test.utils import WagtailTestUtils

from membership.models import InterestRegistration, MembershipApplication, QueuedEmail
from psgsite.roles import EDITORS, MODERATORS
from tests.factories import MembershipApplicationFactory, UserFactory
from tests.membership.conftest import SECRETARY

PERSONAL_DATA = "/admin/membership/personal-data/"
SCRIPT = "<script>alert(1)</script>"


@pytest.fixture
def people(membership_types):
    """María applied twice, the second time with her address in other capitals and a decision
    made; Pedro applied once. Each has emails waiting, and so has the secretary about them."""
    individual, organisation = membership_types["individual"], membership_types["organisation"]
    first = MembershipApplicationFactory(
        full_name="María Núñez",
        email="maria@example.org",
        address="12 Calle Lima\nCusco",
        phone="+51 84 555 0101",
        heard_about="At a talk in London",
        news_opt_in=True,
        membership_type=individual,
        submitted_at=timezone.make_aware(datetime.datetime(2026, 1, 15, 10, 0)),
    )
    second = MembershipApplicationFactory(
        full_name="María Núñez Quispe",
        email="Maria@Example.ORG",
        address="3 Jirón Puno\nArequipa",
        heard_about="A friend",
        membership_type=organisation,
        submitted_at=timezone.make_aware(datetime.datetime(2026, 3, 1, 9, 0)),
        status="approved",
        decided_at=timezone.make_aware(datetime.datetime(2026, 3, 8, 17, 15)),
        staff_notes="Paid by standing order.",
    )
    pedro = MembershipApplicationFactory(
        full_name="Pedro Mamani",
        email="pedro@example.net",
        address="9 Plaza de Armas\nJuliaca",
        heard_about="The newsletter",
        membership_type=individual,
    )
    emails = {
        "maria_confirmation": QueuedEmail.objects.create(
            application=first,
            to=["maria@example.org"],
            reply_to=[SECRETARY],
            subject="Your application to join",
            body="Dear María, thank you for applying.",
        ),
        "maria_notice": QueuedEmail.objects.create(
            application=second,
            to=[SECRETARY],
            subject=f"New membership application {second.reference}",
            body="María Núñez Quispe has applied.",
        ),
        # Written to her by hand, about no application.
        "maria_letter": QueuedEmail.objects.create(
            to=["MARIA@example.org"],
            subject="Your membership card",
            body="Your card is on its way.",
        ),
        "pedro_confirmation": QueuedEmail.objects.create(
            application=pedro,
            to=["pedro@example.net"],
            subject="Your application to join",
            body="Dear Pedro, thank you for applying.",
        ),
        "pedro_notice": QueuedEmail.objects.create(
            application=pedro,
            to=[SECRETARY],
            subject=f"New membership application {pedro.reference}",
            body="Pedro Mamani has applied.",
        ),
    }
    return {"maria": [first, second], "pedro": pedro, "emails": emails}


def found_references(response):
    """The references of the applications and registrations of interest the page lists."""
    assert response.status_code == 200, response.status_code
    soup = WagtailTestUtils.get_soup(response.content)
    rows = soup.select(
        "[data-personal-data=membership_applications] tbody tr, "
        "[data-personal-data=interest_registrations] tbody tr"
    )
    return [row.find("td").get_text(strip=True) for row in rows]


def form_errors(response):
    return response.context["form"].errors


def find(client, email):
    """Looks an address up as the page's form does: in a POST, never in the address bar."""
    return client.post(PERSONAL_DATA, {"email": email, "action": "find"})


def test_the_page_asks_for_an_email_address_in_a_form_that_posts(secretary_client):
    response = secretary_client.get(PERSONAL_DATA)
    assert response.status_code == 200
    soup = WagtailTestUtils.get_soup(response.content)
    form = soup.find("input", attrs={"name": "email"}).find_parent("form")
    assert form["method"] == "post"
    assert form.find("input", attrs={"name": "csrfmiddlewaretoken"})
    assert form.find("button", attrs={"name": "action", "value": "find"}).get_text() == "Find"
    assert "Stored for" not in response.content.decode()


def test_an_address_in_the_query_string_is_not_looked_up_nor_shown(secretary_client, people):
    """An address in a URL would be kept in access logs and the browser's history."""
    response = secretary_client.get(PERSONAL_DATA, {"email": "maria@example.org"})
    assert response.status_code == 200
    html = response.content.decode()
    assert found_references(response) == []
    assert "Stored for" not in html and "maria@example.org" not in html
    assert "María" not in html and people["maria"][0].reference not in html
    assert not response.context["form"].is_bound


def test_every_action_needs_the_csrf_token(secretary, people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(secretary)
    before = stored()
    for action in ({"action": "find"}, {"action": "export"}, {"action": "erase", "confirm": "yes"}):
        response = client.post(PERSONAL_DATA, {"email": "maria@example.org", **action})
        assert response.status_code == 403, action
        assert "María" not in response.content.decode(), action
    assert stored() == before


@pytest.mark.parametrize("email", ["maria@example.org", "MARIA@EXAMPLE.ORG", " Maria@example.org "])
def test_a_person_is_found_by_email_in_any_capitals(secretary_client, people, email):
    response = find(secretary_client, email)
    first, second = people["maria"]
    assert found_references(response) == [first.reference, second.reference]
    html = response.content.decode()
    assert "María Núñez" in html and "María Núñez Quispe" in html
    assert "Pedro" not in html and people["pedro"].reference not in html
    assert "Emails waiting to be sent (3)" in html


def test_nothing_stored_for_an_unknown_address(secretary_client, people):
    response = find(secretary_client, "nobody@example.org")
    assert found_references(response) == []
    html = response.content.decode()
    assert "Nothing is stored for this address." in html
    assert "María" not in html and "Pedro" not in html


def test_a_name_with_markup_is_shown_as_text(secretary_client, membership_types):
    MembershipApplicationFactory(
        full_name=f"{SCRIPT} Eva",
        email="eva@example.org",
        membership_type=membership_types["individual"],
    )
    response = find(secretary_client, "eva@example.org")
    html = response.content.decode()
    assert SCRIPT not in html
    assert escape(f"{SCRIPT} Eva") in html


def export(client, email):
    response = client.post(PERSONAL_DATA, {"email": email, "action": "export"})
    assert response.status_code == 200, response.status_code
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="personal-data-')
    assert response["Content-Disposition"].endswith('.json"')
    assert "no-store" in response["Cache-Control"]
    return response.content.decode("utf-8"), json.loads(response.content)


def as_exported(application, name):
    """A stored field's value as the export should give it."""
    value = getattr(application, name)
    if name == "membership_type":
        return value.name
    if isinstance(value, datetime.datetime):
        return value.isoformat()
    return value


def test_the_export_holds_every_stored_field_of_every_application(secretary_client, people):
    text, data = export(secretary_client, "MARIA@example.org")
    first, second = people["maria"]
    assert data["email"] == "MARIA@example.org"
    exported = data["membership_applications"]
    assert [item["reference"] for item in exported] == [first.reference, second.reference]
    fields = [
        field.name
        for field in MembershipApplication._meta.concrete_fields
        if not field.primary_key  # the reference stands for it
    ]
    for application, item in zip([first, second], exported, strict=True):
        application.refresh_from_db()
        for name in fields:
            assert name in item, name
            assert item[name] == as_exported(application, name), name
    assert exported[1]["decided_at"] == "2026-03-08T17:15:00+00:00"
    assert exported[1]["staff_notes"] == "Paid by standing order."
    # Nothing of anyone else.
    pedro = people["pedro"]
    for value in (pedro.full_name, pedro.email, "Juliaca", pedro.reference, "Dear Pedro"):
        assert value not in text


def test_the_export_holds_the_emails_waiting_to_be_sent(secretary_client, people):
    _, data = export(secretary_client, "maria@example.org")
    emails = people["emails"]
    expected = [emails[name] for name in ("maria_confirmation", "maria_notice", "maria_letter")]
    exported = data["emails_waiting_to_be_sent"]
    assert [(item["to"], item["subject"], item["body"]) for item in exported] == [
        (email.to, email.subject, email.body) for email in expected
    ]
    for email, item in zip(expected, exported, strict=True):
        assert item["created_at"] == email.created_at.isoformat()
        assert item["reply_to"] == email.reply_to
        assert item["attempts"] == email.attempts


def test_the_export_of_an_unknown_address_is_empty(secretary_client, people):
    text, data = export(secretary_client, "nobody@example.org")
    assert data["membership_applications"] == []
    assert data["emails_waiting_to_be_sent"] == []
    assert "María" not in text and "Pedro" not in text


def stored():
    return (
        list(MembershipApplication.objects.order_by("pk").values()),
        list(QueuedEmail.objects.order_by("pk").values()),
    )


@pytest.mark.parametrize("confirm", [None, "", "no", "on"])
def test_erasing_needs_the_box_ticked(secretary_client, people, confirm):
    before = stored()
    data = {"email": "maria@example.org", "action": "erase"}
    if confirm is not None:
        data["confirm"] = confirm
    response = secretary_client.post(PERSONAL_DATA, data)
    assert response.status_code == 200
    assert form_errors(response)["__all__"] == [
        "Tick the box to confirm that the data should be erased."
    ]
    assert "Tick the box to confirm" in response.content.decode()
    # The page still lists what would be erased.
    first, second = people["maria"]
    assert found_references(response) == [first.reference, second.reference]
    assert stored() == before


def test_erasing_removes_the_person_and_leaves_everyone_else(secretary_client, people):
    pedro, emails = people["pedro"], people["emails"]
    response = secretary_client.post(
        PERSONAL_DATA, {"email": "Maria@Example.org", "action": "erase", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert response.url == PERSONAL_DATA
    page = secretary_client.get(response.url)
    messages = [str(message) for message in page.context["messages"]]
    assert messages == [
        "Erased 2 application(s), 0 registration(s) of interest, 0 email alert subscription(s) "
        "and 3 queued email(s) for that address."
    ]

    assert list(MembershipApplication.objects.all()) == [pedro]
    assert set(QueuedEmail.objects.all()) == {emails["pedro_confirmation"], emails["pedro_notice"]}
    assert not MembershipApplication.objects.filter(email__iexact="maria@example.org").exists()
    pedro.refresh_from_db()
    assert pedro.full_name == "Pedro Mamani"

    response = find(secretary_client, "maria@example.org")
    assert "Nothing is stored for this address." in response.content.decode()
    _, data = export(secretary_client, "maria@example.org")
    assert data["membership_applications"] == data["emails_waiting_to_be_sent"] == []


BAD_EMAILS = [
    "not-an-email",
    "maria@",
    "@example.org",
    "a" * 300,
    "maria@example.org\x00",
    "maria@example.org\nBcc: x@example.org",
    "",
]


@pytest.mark.parametrize("email", BAD_EMAILS)
def test_a_bad_address_is_a_form_error(secretary_client, people, email):
    before = stored()
    response = find(secretary_client, email)
    assert response.status_code == 200
    assert "email" in form_errors(response)
    assert "Stored for" not in response.content.decode()
    for action in ({"action": "export"}, {"action": "erase", "confirm": "yes"}):
        response = secretary_client.post(PERSONAL_DATA, {"email": email, **action})
        assert response.status_code == 200, action
        assert response["Content-Type"].startswith("text/html"), action
        assert "email" in form_errors(response), action
    assert stored() == before


def test_an_address_longer_than_any_stored_is_a_form_error(secretary_client, people):
    email = "a" * 288 + "@example.org"
    assert len(email) == 300
    response = find(secretary_client, email)
    assert response.status_code == 200
    assert "email" in form_errors(response)


@pytest.mark.parametrize("role", [EDITORS, MODERATORS])
def test_other_staff_are_refused(client, roles, people, role):
    client.force_login(UserFactory(groups=[role]))
    before = stored()
    for query in ({}, {"email": "maria@example.org"}):
        response = client.get(PERSONAL_DATA, query)
        assert response.status_code == 403
        assert "María" not in response.content.decode()
    for data in (
        {"email": "maria@example.org", "action": "find"},
        {"email": "maria@example.org", "action": "export"},
        {"email": "maria@example.org", "action": "erase"},
        {"email": "maria@example.org", "action": "erase", "confirm": "yes"},
    ):
        response = client.post(PERSONAL_DATA, data)
        assert response.status_code == 403
        assert "María" not in response.content.decode()
    assert stored() == before
    # Nor does the admin's menu offer the page.
    assert PERSONAL_DATA not in client.get("/admin/").content.decode()


def test_anonymous_visitors_are_sent_to_log_in(client, people):
    before = stored()
    response = client.get(PERSONAL_DATA, {"email": "maria@example.org"})
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/?next=")
    response = client.post(
        PERSONAL_DATA, {"email": "maria@example.org", "action": "erase", "confirm": "yes"}
    )
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    assert stored() == before


def test_only_get_and_post_are_answered(secretary_client, people):
    before = stored()
    response = secretary_client.delete(PERSONAL_DATA)
    assert response.status_code == 405
    assert stored() == before


# Registrations of interest


@pytest.fixture
def interested(db):
    """Lucía registered her interest (and has the secretary's notice about it waiting); so did
    Pedro, whose address differs."""
    lucia = InterestRegistration.objects.create(
        full_name="Lucía Huamán",
        email="Lucia@Example.org",
        message="Please tell me when I can join.",
        consent=True,
        times_registered=2,
        staff_notes="Asked about student rates.",
    )
    pedro = InterestRegistration.objects.create(
        full_name="Pedro Mamani", email="pedro@example.net", consent=True
    )
    notices = {
        person: QueuedEmail.objects.create(
            interest_registration=registration,
            to=[SECRETARY],
            subject=f"Interest in membership {registration.reference}",
            body=f"Full name: {registration.full_name}",
        )
        for person, registration in (("lucia", lucia), ("pedro", pedro))
    }
    return {"lucia": lucia, "pedro": pedro, "notices": notices}


def test_a_registration_of_interest_is_found_by_email_in_any_capitals(secretary_client, interested):
    response = find(secretary_client, " LUCIA@example.ORG ")
    lucia = interested["lucia"]
    assert found_references(response) == [lucia.reference]
    html = response.content.decode()
    assert "Registrations of interest" in html and "Lucía Huamán" in html
    assert "Pedro" not in html
    # The secretary's notice about her counts as an email about her.
    assert "Emails waiting to be sent (1)" in html


def test_the_export_holds_every_stored_field_of_a_registration_of_interest(
    secretary_client, interested
):
    text, data = export(secretary_client, "lucia@example.org")
    lucia = interested["lucia"]
    [item] = data["interest_registrations"]
    assert item["reference"] == lucia.reference
    for field in InterestRegistration._meta.concrete_fields:
        if field.primary_key:
            continue
        value = getattr(lucia, field.name)
        expected = value.isoformat() if isinstance(value, datetime.datetime) else value
        assert item[field.name] == expected, field.name
    assert [email["subject"] for email in data["emails_waiting_to_be_sent"]] == [
        f"Interest in membership {lucia.reference}"
    ]
    assert data["membership_applications"] == []
    assert "Pedro" not in text


def test_erasing_removes_the_registration_of_interest_and_its_email(secretary_client, interested):
    response = secretary_client.post(
        PERSONAL_DATA, {"email": "lucia@example.org", "action": "erase", "confirm": "yes"}
    )
    assert response.status_code == 302
    messages = [str(m) for m in secretary_client.get(response.url).context["messages"]]
    assert messages == [
        "Erased 0 application(s), 1 registration(s) of interest, 0 email alert subscription(s) "
        "and 1 queued email(s) for that address."
    ]
    assert list(InterestRegistration.objects.all()) == [interested["pedro"]]
    assert list(QueuedEmail.objects.all()) == [interested["notices"]["pedro"]]


def test_a_registration_of_interest_with_markup_is_shown_as_text(secretary_client, db):
    InterestRegistration.objects.create(full_name=f"{SCRIPT} Eva", email="eva@example.org")
    html = find(secretary_client, "eva@example.org").content.decode()
    assert SCRIPT not in html
    assert escape(f"{SCRIPT} Eva") in html
