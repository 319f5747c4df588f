"""Registering interest on the join page while no membership type is on offer: what the person
sees, what is stored, who is told, and what is refused."""

import html

import pytest

from django.core import mail
from django.core.cache import cache
from django.db import DatabaseError, IntegrityError, transaction
from django.test import Client, override_settings

from wagtail.test.utils import WagtailTestUtils

from home.models import SiteSettings
from membership.forms import started_token
from membership.models import InterestRegistration, MembershipApplication, QueuedEmail
from membership.models.interest import InterestRegistrationQuerySet
from tests.factories import AboutPageFactory, MembershipTypeFactory
from tests.membership.conftest import (
    SECRETARY,
    application_data,
    expired_started_token,
    interest_data,
)

pytestmark = pytest.mark.django_db

SPAM_ERROR = "Please check your details and send the form again."


def register(client, join_page, data, **extra):
    return client.post(f"{join_page.url}interest/", data, **extra)


def soup(response):
    return WagtailTestUtils.get_soup(response.content)


def site_settings(join_page):
    return SiteSettings.for_site(join_page.get_site())


# The page a visitor finds


def test_with_no_type_on_offer_the_page_offers_a_form_to_register_interest(client, join_page):
    response = client.get(join_page.url)
    assert response.status_code == 200
    page = soup(response)
    assert [h.get_text(strip=True) for h in page.select("main h1")] == ["Why join the PSG?"]
    section = page.select_one("#apply")
    assert section.h2.get_text(strip=True) == "Register your interest"
    assert "Applications to join through this website are not open yet." in section.get_text()
    form = section.form
    assert form["action"] == f"{join_page.url}interest/#apply"
    assert form["method"] == "post"
    labels = [label.get_text(" ", strip=True) for label in form.select("label")]
    assert labels[:3] == [
        "Full name",
        "Email address",
        "Anything you would like to tell us (optional)",
    ]
    assert labels[3].startswith("I agree to the Peru Support Group keeping my name and email")
    assert form.select_one("button[type=submit]").get_text(strip=True) == "Register my interest"
    # One call to action: no application form, no button repeating the page's heading.
    assert page.select_one("form.application-form") is None
    assert [b.get_text(strip=True) for b in page.select("main .button")] == ["Register my interest"]
    # The public contact address, for those who would rather write.
    contact = section.select_one(".apply__contact")
    assert contact.get_text(" ", strip=True) == "Or write to us at info@perusupportgroup.org.uk ."
    assert contact.a["href"] == "mailto:info@perusupportgroup.org.uk?subject=Membership"


def test_without_a_contact_address_the_form_is_still_there(client, join_page):
    settings = site_settings(join_page)
    settings.email = ""
    settings.save()
    page = soup(client.get(join_page.url))
    assert page.select_one("form.interest-form") is not None
    assert page.select_one(".apply__contact") is None
    assert "Or write to us" not in page.get_text()


def test_the_consent_links_to_the_privacy_notice_when_there_is_one(client, join_page, home):
    label = soup(client.get(join_page.url)).select_one("label[for=id_consent]")
    assert label.a is None and "privacy notice" in label.get_text()

    notice = AboutPageFactory(parent=home, title="Privacy notice", slug="privacy")
    settings = site_settings(join_page)
    settings.privacy_notice = notice
    settings.save()
    label = soup(client.get(join_page.url)).select_one("label[for=id_consent]")
    assert label.a["href"] == notice.url
    assert label.a.get_text() == "privacy notice"


def test_with_a_type_on_offer_the_application_form_takes_its_place(
    client, join_page, membership_types
):
    page = soup(client.get(join_page.url))
    assert page.select_one("#apply h2").get_text(strip=True) == "Apply to become a member"
    assert page.select_one("form.application-form") is not None
    assert page.select_one("form.interest-form") is None
    contact = page.select_one(".apply__contact")
    assert contact.get_text(" ", strip=True) == (
        "Questions about membership? Write to us at info@perusupportgroup.org.uk ."
    )


def test_the_form_address_is_not_a_page_of_its_own(client, join_page):
    response = client.get(f"{join_page.url}interest/?x=<b>")
    assert response.status_code == 302
    assert response["Location"] == join_page.url


# Registering


def test_a_registration_is_stored_the_secretary_told_and_the_person_thanked(client, join_page):
    response = register(client, join_page, interest_data())
    assert response.status_code == 302
    assert response["Location"] == f"{join_page.url}interest/thanks/"
    registration = InterestRegistration.objects.get()
    assert registration.full_name == "Rosa Quispe"
    assert registration.email == "rosa@example.org"
    assert registration.message == "I heard your talk in Leeds.\nWhen can I join?"
    assert registration.consent
    assert registration.times_registered == 1
    assert registration.registered_at == registration.last_registered_at

    # The secretary is told; the person, whose address is whatever was typed, is not emailed.
    [notice] = mail.outbox
    assert notice.to == [SECRETARY]
    assert notice.subject == f"Interest in membership {registration.reference}"
    assert "Full name: Rosa Quispe" in notice.body
    assert "Email: rosa@example.org" in notice.body
    assert "I heard your talk in Leeds.\nWhen can I join?" in notice.body
    assert (
        "http://testserver/admin/membership/interestregistration/inspect/"
        f"{registration.pk}/" in notice.body
    )
    assert not getattr(notice, "alternatives", None)
    assert not QueuedEmail.objects.exists()

    thanks = client.get(response["Location"])
    assert thanks.status_code == 200
    page = soup(thanks)
    assert page.select_one("main h1").get_text() == "Thank you for registering your interest"
    assert "We will write to you at the email address you gave" in page.get_text()
    assert page.find("meta", attrs={"name": "robots"})["content"] == "noindex"
    # The thank-you page names no one.
    assert "Rosa" not in thanks.content.decode()


def test_the_thank_you_page_points_to_the_form_once_applications_open(client, join_page):
    MembershipTypeFactory(name="Individual")
    page = soup(client.get(f"{join_page.url}interest/thanks/"))
    link = page.select_one("main p a")
    assert link.get_text() == "apply to become a member"
    assert link["href"] == f"{join_page.url}#apply"


@pytest.mark.parametrize(
    "again",
    [" ROSA@example.org ", "rosa@EXAMPLE.ORG", "Rosa@Example.Org"],
)
def test_registering_again_in_other_capitals_or_with_spaces_updates_the_first(
    client, join_page, again
):
    register(client, join_page, interest_data())
    first = InterestRegistration.objects.get()
    response = register(
        client, join_page, interest_data(email=again, full_name="Rosa Quispe Mamani", message="")
    )
    assert response.status_code == 302
    registration = InterestRegistration.objects.get()
    assert registration.pk == first.pk
    assert registration.full_name == "Rosa Quispe Mamani"
    # Stored as typed, but for the spaces and the domain's capitals.
    assert registration.email == again.strip().split("@")[0] + "@example.org"
    # No new message: the first one is kept.
    assert registration.message == "I heard your talk in Leeds.\nWhen can I join?"
    assert registration.times_registered == 2
    assert registration.registered_at == first.registered_at
    assert registration.last_registered_at > first.last_registered_at
    assert [m.subject for m in mail.outbox] == [
        f"Interest in membership {registration.reference}",
        f"Interest in membership {registration.reference} (registered again)",
    ]
    assert "has registered again" in mail.outbox[1].body

    register(client, join_page, interest_data(message="Still keen."))
    registration = InterestRegistration.objects.get()
    assert (registration.message, registration.times_registered) == ("Still keen.", 3)


def test_two_people_are_two_registrations(client, join_page):
    register(client, join_page, interest_data())
    register(client, join_page, interest_data(email="pedro@example.org", full_name="Pedro"))
    assert InterestRegistration.objects.count() == 2


def test_the_database_keeps_one_registration_per_address_in_any_capitals(join_page, monkeypatch):
    """Two requests from one address at the same moment: the second finds no row, inserts, and
    is stopped by the database; it then updates the row that the first stored."""
    InterestRegistration.objects.create(full_name="Rosa", email="rosa@example.org")
    with pytest.raises(IntegrityError), transaction.atomic():
        InterestRegistration.objects.create(full_name="Rosa", email="ROSA@example.org")

    lookups = []
    original = InterestRegistrationQuerySet.for_email

    def finds_nothing_the_first_time(queryset, email):
        lookups.append(email)
        found = original(queryset, email)
        return found.none() if len(lookups) == 1 else found

    monkeypatch.setattr(InterestRegistrationQuerySet, "for_email", finds_nothing_the_first_time)
    with transaction.atomic():
        registration, is_new = InterestRegistration.objects.register(
            full_name="Rosa Q", email="Rosa@example.org", message="", consent=True
        )
    assert len(lookups) == 2 and not is_new
    assert InterestRegistration.objects.get().pk == registration.pk
    assert (registration.full_name, registration.times_registered) == ("Rosa Q", 2)


@pytest.mark.parametrize(
    "name",
    ["Núñez", "Quispe Mamani", "李", "Ñusta Huamán-Ccori", "O'Brien", "J.R.R. Tolkien", "Mª José"],
)
def test_names_in_any_script_are_accepted(client, join_page, name):
    assert register(client, join_page, interest_data(full_name=name)).status_code == 302
    assert InterestRegistration.objects.get().full_name == name


NO_ADDRESS = "Enter your name without a web or email address."
CONSENT = "We can only write to you if you agree to us keeping your name and email address."
BAD = [
    ({"full_name": ""}, "full_name", "Enter your full name."),
    ({"full_name": "   "}, "full_name", "Enter your full name."),
    ({"full_name": "A" * 201}, "full_name", "at most 200 characters"),
    ({"full_name": "Ana\nBcc: x@example.org"}, "full_name", "Enter this on one line."),
    ({"full_name": "Ana\u2028Quispe"}, "full_name", "Enter this on one line."),
    ({"full_name": "Ana https://spam.example/x"}, "full_name", NO_ADDRESS),
    ({"full_name": "Ana www.spam.example"}, "full_name", NO_ADDRESS),
    ({"full_name": "Ana at spam.example"}, "full_name", NO_ADDRESS),
    ({"full_name": "Ana ana@spam.example"}, "full_name", NO_ADDRESS),
    ({"full_name": "Ana\x00"}, "full_name", "Null characters are not allowed."),
    ({"email": ""}, "email", "Enter your email address."),
    ({"email": "   "}, "email", "Enter your email address."),
    ({"email": "rosa@"}, "email", "Enter an email address like name@example.org."),
    ({"email": "rosa.example.org"}, "email", "Enter an email address like name@example.org."),
    ({"email": "rosa@example.org\nBcc: x@example.org"}, "email", "Enter an email address"),
    ({"email": "a" * 250 + "@example.org"}, "email", "at most 254 characters"),
    ({"message": "x" * 2001}, "message", "at most 2000 characters"),
    ({"message": "Hola\x00"}, "message", "Null characters are not allowed."),
    ({"consent": ""}, "consent", CONSENT),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)]
)
def test_bad_input_gets_an_error_by_its_field_keeps_the_values_and_stores_nothing(
    client, join_page, changes, field, message
):
    response = register(client, join_page, interest_data(**changes))
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["interest_form"].errors[field]
    assert message in html.unescape(page)
    assert f'id="id_{field}_error"' in page
    assert "There is a problem with your registration" in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page
    # The error summary links to the field in error.
    summary = soup(response).select_one(".error-summary")
    assert f"#id_{field}" in [a["href"] for a in summary.select("a")]
    # The page goes on offering the same form, with what was typed in the other fields.
    assert 'class="interest-form"' in page and 'class="application-form"' not in page
    if field != "full_name":
        assert 'value="Rosa Quispe"' in page
    if field != "message":
        assert "I heard your talk in Leeds.\r\nWhen can I join?</textarea>" in page
    assert not InterestRegistration.objects.exists()
    assert not QueuedEmail.objects.exists() and not mail.outbox


MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_is_kept_as_text_on_the_site_and_in_the_email(client, join_page):
    data = interest_data(full_name=MARKUP, message=MARKUP)
    register(client, join_page, data)
    registration = InterestRegistration.objects.get()
    assert (registration.full_name, registration.message) == (MARKUP, MARKUP)
    # A plain-text email to the secretary alone, with the characters as typed and nothing to
    # run them; the subject holds only the reference.
    [notice] = mail.outbox
    assert MARKUP in notice.body and not getattr(notice, "alternatives", None)
    assert notice.subject == f"Interest in membership {registration.reference}"

    # Shown back in the form after an error, it is escaped.
    again = register(client, join_page, {**data, "email": "bad"}).content.decode()
    assert "<script>alert" not in again and "<img src=x" not in again
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in again


def test_the_honeypot_gets_a_thank_you_but_nothing_is_stored_or_sent(client, join_page):
    response = register(client, join_page, interest_data(website="http://spam.example"))
    assert response.status_code == 302
    assert response["Location"] == f"{join_page.url}interest/thanks/"
    assert client.get(response["Location"]).status_code == 200
    assert not InterestRegistration.objects.exists()
    assert not QueuedEmail.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    "started",
    [lambda: started_token(), lambda: "", lambda: "forged", expired_started_token],
    ids=["too fast", "missing", "forged", "handed out two days ago"],
)
def test_a_form_sent_too_fast_or_without_a_good_start_time_is_sent_back(client, join_page, started):
    response = register(client, join_page, interest_data(started=started()))
    page = response.content.decode()
    assert response.status_code == 200
    assert SPAM_ERROR in page
    assert 'value="Rosa Quispe"' in page
    assert not InterestRegistration.objects.exists() and not mail.outbox


def test_a_person_who_was_sent_back_can_register_with_the_form_they_were_given(client, join_page):
    form = register(client, join_page, interest_data(started="")).context["interest_form"]
    with override_settings(MEMBERSHIP_FORM_MIN_SECONDS=0):
        response = register(client, join_page, interest_data(started=form["started"].value()))
    assert response.status_code == 302
    assert InterestRegistration.objects.count() == 1


@override_settings(MEMBERSHIP_APPLICATIONS_PER_HOUR=2)
def test_one_address_may_register_only_so_many_times_an_hour(client, join_page):
    for n in range(2):
        data = interest_data(email=f"p{n}@example.org")
        assert register(client, join_page, data).status_code == 302
    response = register(client, join_page, interest_data(email="p3@example.org"))
    assert response.status_code == 429
    page = response.content.decode()
    assert "too many registrations from your connection" in page
    assert "p3@example.org" in page
    assert InterestRegistration.objects.count() == 2
    # Another address is not held back.
    other = register(
        client, join_page, interest_data(email="p4@example.org"), REMOTE_ADDR="192.0.2.9"
    )
    assert other.status_code == 302
    # Applications are counted apart: the address may still apply once types are on offer.
    kind = MembershipTypeFactory(name="Individual")
    assert client.post(join_page.url, application_data(kind)).status_code == 302
    cache.clear()


def test_a_form_without_its_security_token_is_refused_with_a_clear_page(join_page):
    client = Client(enforce_csrf_checks=True)
    response = register(client, join_page, interest_data())
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert not InterestRegistration.objects.exists() and not mail.outbox


def test_without_a_secretary_or_contact_address_it_is_stored_and_the_gap_logged(
    client, join_page, caplog
):
    settings = site_settings(join_page)
    settings.email = settings.membership_email = ""
    settings.save()
    response = register(client, join_page, interest_data())
    assert response.status_code == 302
    registration = InterestRegistration.objects.get()
    assert not mail.outbox and not QueuedEmail.objects.exists()
    assert f"nobody was told of {registration.reference}" in caplog.text
    assert "rosa@example.org" not in caplog.text


def test_the_registration_and_its_email_are_stored_together_or_not_at_all(join_page, monkeypatch):
    def fails(*args, **kwargs):
        raise DatabaseError("the outbox could not be written")

    monkeypatch.setattr("membership.models.pages.queue_interest_emails", fails)
    client = Client(raise_request_exception=False)
    response = register(client, join_page, interest_data())
    assert response.status_code == 500
    assert not InterestRegistration.objects.exists()
    assert not QueuedEmail.objects.exists()


# An application sent after the last type was taken off offer


def test_an_application_sent_once_applications_closed_offers_to_register_interest(
    client, join_page
):
    kind = MembershipTypeFactory(name="Individual")
    data = application_data(kind)
    kind.active = False
    kind.save()
    response = client.post(join_page.url, data)
    assert response.status_code == 200
    page = soup(response)
    assert "Applications have closed for now, so your application was not sent." in (
        page.select_one("#apply [role=status]").get_text()
    )
    form = page.select_one("form.interest-form")
    assert form.select_one("#id_full_name")["value"] == "María Núñez"
    assert form.select_one("#id_email")["value"] == "maria@example.org"
    assert not MembershipApplication.objects.exists()
    assert not InterestRegistration.objects.exists()
    assert not mail.outbox
