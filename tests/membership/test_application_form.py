"""Applying on the join page: what is stored, what the person sees, and what is refused."""

import html

import pytest

from django.core import mail
from django.core.cache import cache
from django.test import Client, override_settings

from membership.forms import started_token
from membership.models import MembershipApplication, QueuedEmail
from tests.membership.conftest import SECRETARY, application_data, expired_started_token

pytestmark = pytest.mark.django_db


def apply(client, join_page, data):
    return client.post(join_page.url, data)


def test_the_join_page_offers_the_active_types_in_order_with_fees(
    client, join_page, membership_types
):
    membership_types["organisation"].display_order = 0
    membership_types["organisation"].save()
    response = client.get(join_page.url)
    page = response.content.decode()
    assert response.status_code == 200
    assert page.index("Organisation") < page.index("Individual")
    assert "£60.00 a year" in page and "For groups and institutions." in page
    assert "Student (old rate)" not in page
    assert 'name="consent"' in page and 'name="started"' in page


def test_without_types_on_offer_the_page_offers_to_register_interest_instead(client, join_page):
    # What the person sees and can do then: tests/membership/test_interest_form.py.
    response = client.get(join_page.url)
    assert b'<form class="application-form"' not in response.content
    assert b'<form class="interest-form"' in response.content
    assert b"Register your interest" in response.content
    assert b"mailto:info@perusupportgroup.org.uk" in response.content


def test_an_application_is_stored_and_the_person_thanked_with_how_to_pay(
    client, join_page, membership_types
):
    organisation = membership_types["organisation"]
    response = apply(client, join_page, application_data(organisation, news_opt_in="on"))
    application = MembershipApplication.objects.get()
    assert response.status_code == 302
    assert response["Location"].startswith(f"{join_page.url}thanks/?application=")
    assert (application.membership_type, application.full_name) == (organisation, "María Núñez")
    assert application.address == "12 Calle Lima\nCusco"
    assert application.consent and application.news_opt_in
    assert application.status == MembershipApplication.Status.NEW
    assert application.decided_at is None

    thanks = client.get(response["Location"])
    text = thanks.content.decode()
    assert thanks.status_code == 200
    assert f"Your reference is <strong>{application.reference}</strong>" in text
    assert "Pay by card on our payment page." in text
    assert 'href="https://pay.example.org/psg"' in text
    assert "write to you by email, usually within two weeks" in text
    assert thanks["Cache-Control"] == "private, no-store"
    assert b'<meta name="robots" content="noindex">' in thanks.content


def test_line_breaks_from_a_browser_are_stored_as_plain_newlines(
    client, join_page, membership_types
):
    data = application_data(membership_types["individual"], address="1 Calle\r\nLima\rPeru")
    apply(client, join_page, data)
    assert MembershipApplication.objects.get().address == "1 Calle\nLima\nPeru"


def test_the_applicant_and_the_secretary_are_emailed(client, join_page, membership_types):
    apply(client, join_page, application_data(membership_types["individual"]))
    application = MembershipApplication.objects.get()
    confirmation, notice = mail.outbox
    assert confirmation.to == ["maria@example.org"]
    assert confirmation.reply_to == [SECRETARY]
    assert application.reference in confirmation.body
    assert "sort code 01-02-03" in confirmation.body
    # What they typed is with the secretary, not repeated to them (tests/membership/test_emails.py).
    assert "Calle Lima" not in confirmation.body and "At a talk" not in confirmation.body
    assert notice.to == [SECRETARY]
    assert notice.subject == f"New membership application {application.reference}"
    assert (
        f"http://testserver/admin/membership/membershipapplication/inspect/{application.pk}/"
        in notice.body
    )
    assert not getattr(confirmation, "alternatives", None) and not getattr(
        notice, "alternatives", None
    )
    # Sent, so nothing waits in the queue.
    assert not QueuedEmail.objects.exists()


@pytest.mark.parametrize(
    "name",
    ["Núñez", "Quispe Mamani", "李", "Ñusta Huamán-Ccori", "O'Brien", "J.R.R. Tolkien", "Mª José"],
)
def test_names_in_any_script_are_accepted(client, join_page, membership_types, name):
    response = apply(
        client, join_page, application_data(membership_types["individual"], full_name=name)
    )
    assert response.status_code == 302
    assert MembershipApplication.objects.get().full_name == name
    assert name in mail.outbox[0].body


NO_ADDRESS = "Enter your name without a web or email address."
BAD = [
    ({"membership_type": ""}, "membership_type", "Choose a membership type."),
    ({"membership_type": "999999"}, "membership_type", "That membership type is not on offer"),
    ({"membership_type": "x"}, "membership_type", "That membership type is not on offer"),
    ({"full_name": ""}, "full_name", "Enter your full name."),
    ({"full_name": "   "}, "full_name", "Enter your full name."),
    ({"full_name": "A" * 201}, "full_name", "at most 200 characters"),
    ({"full_name": "Ana\nBcc: x@example.org"}, "full_name", "Enter this on one line."),
    ({"full_name": "Ana\u2028Quispe"}, "full_name", "Enter this on one line."),
    ({"full_name": "Ana\x85Quispe"}, "full_name", "Enter this on one line."),
    ({"full_name": "Ana https://spam.example/x"}, "full_name", NO_ADDRESS),
    ({"full_name": "Ana www.spam.example"}, "full_name", NO_ADDRESS),
    ({"full_name": "Ana at spam.example"}, "full_name", NO_ADDRESS),
    ({"full_name": "Ana at SPAM.EXAMPLE/x"}, "full_name", NO_ADDRESS),
    ({"full_name": "Ana at spam\u3002example"}, "full_name", NO_ADDRESS),
    ({"full_name": "Ana ana@spam.example"}, "full_name", NO_ADDRESS),
    ({"email": ""}, "email", "Enter your email address."),
    ({"email": "maria@"}, "email", "Enter an email address like name@example.org."),
    ({"email": "maria@example.org\nBcc: x@example.org"}, "email", "Enter an email address"),
    ({"email": "a" * 250 + "@example.org"}, "email", "at most 254 characters"),
    ({"address": ""}, "address", "Enter your postal address."),
    ({"address": "x" * 1001}, "address", "at most 1000 characters"),
    ({"phone": "0" * 41}, "phone", "at most 40 characters"),
    ({"heard_about": ""}, "heard_about", "Tell us how you heard about the Peru Support Group."),
    ({"heard_about": "x" * 501}, "heard_about", "at most 500 characters"),
    ({"consent": ""}, "consent", "We can only handle your application if you agree"),
    ({"full_name": "Ana\x00"}, "full_name", "Null characters are not allowed."),
]


@pytest.mark.parametrize(
    ("changes", "field", "message"), BAD, ids=[b[1] + str(i) for i, b in enumerate(BAD)]
)
def test_bad_input_gets_an_error_by_its_field_keeps_the_values_and_stores_nothing(
    client, join_page, membership_types, changes, field, message
):
    data = application_data(membership_types["individual"], **changes)
    response = apply(client, join_page, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert response.context["form"].errors[field]
    assert message in html.unescape(page)
    # The error sits by its field and in the summary at the top, which links to the field.
    assert f'id="id_{field}_error"' in page
    assert "There is a problem with your application" in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error: " in page
    # What was typed in the other fields is still there.
    if field != "heard_about":
        assert "At a talk in London" in page
    if field != "address":
        assert "12 Calle Lima\nCusco" in page
    assert not MembershipApplication.objects.exists()
    assert not QueuedEmail.objects.exists()
    assert not mail.outbox


def test_an_inactive_type_is_refused(client, join_page, membership_types):
    response = apply(client, join_page, application_data(membership_types["retired"]))
    assert "That membership type is not on offer" in response.content.decode()
    assert not MembershipApplication.objects.exists()


MARKUP = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_markup_is_kept_as_text_on_the_site_and_in_the_emails(client, join_page, membership_types):
    data = application_data(
        membership_types["individual"], full_name=MARKUP, address=MARKUP, heard_about=MARKUP
    )
    response = apply(client, join_page, data)
    application = MembershipApplication.objects.get()
    assert application.full_name == MARKUP
    thanks = client.get(response["Location"]).content.decode()
    assert "<script>alert" not in thanks and "<img src=x" not in thanks
    # Plain-text emails carry the characters as they were typed, with nothing to run them.
    assert MARKUP in mail.outbox[0].body and not getattr(mail.outbox[0], "alternatives", None)
    assert MARKUP in mail.outbox[1].body

    # Shown back in the form after an error, it is escaped too.
    again = apply(client, join_page, {**data, "email": "bad"}).content.decode()
    assert "<script>alert" not in again and "<img src=x" not in again
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;" in again


def test_the_honeypot_gets_a_thank_you_but_nothing_is_stored_or_sent(
    client, join_page, membership_types
):
    data = application_data(membership_types["individual"], website="http://spam.example")
    response = apply(client, join_page, data)
    assert response.status_code == 302
    assert response["Location"] == f"{join_page.url}thanks/"
    assert client.get(response["Location"]).status_code == 200
    assert not MembershipApplication.objects.exists()
    assert not QueuedEmail.objects.exists() and not mail.outbox


@pytest.mark.parametrize(
    "started",
    [lambda: started_token(), lambda: "", lambda: "forged", expired_started_token],
    ids=["too fast", "missing", "forged", "handed out two days ago"],
)
def test_a_form_sent_too_fast_or_without_a_good_start_time_is_sent_back(
    client, join_page, membership_types, started
):
    data = application_data(membership_types["individual"], started=started())
    response = apply(client, join_page, data)
    page = response.content.decode()
    assert response.status_code == 200
    # The same words for every cause, so that a bot learns nothing.
    assert "Please check your details and send the form again." in page
    assert "María Núñez" in page
    assert not MembershipApplication.objects.exists() and not mail.outbox


def test_a_person_who_was_sent_back_can_apply_with_the_form_they_were_given(
    client, join_page, membership_types
):
    data = application_data(membership_types["individual"], started="")
    form = apply(client, join_page, data).context["form"]
    data["started"] = form["started"].value()
    with override_settings(MEMBERSHIP_FORM_MIN_SECONDS=0):
        response = apply(client, join_page, data)
    assert response.status_code == 302
    assert MembershipApplication.objects.count() == 1


@override_settings(MEMBERSHIP_APPLICATIONS_PER_HOUR=3)
def test_one_address_may_send_only_so_many_applications_an_hour(
    client, join_page, membership_types
):
    for n in range(3):
        data = application_data(membership_types["individual"], email=f"p{n}@example.org")
        assert apply(client, join_page, data).status_code == 302
    data = application_data(membership_types["individual"], email="p4@example.org")
    response = apply(client, join_page, data)
    assert response.status_code == 429
    assert "too many applications from your connection" in response.content.decode()
    assert "p4@example.org" in response.content.decode()
    assert MembershipApplication.objects.count() == 3
    # Another address is not held back.
    other = client.post(join_page.url, data, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 302
    cache.clear()


@pytest.mark.parametrize(
    "query",
    ["application=forged", "application=", "application=MQ:1:2", "application=%00"],
)
def test_a_bad_thank_you_link_is_not_found(client, join_page, query):
    assert client.get(f"{join_page.url}thanks/?{query}").status_code == 404


def test_an_expired_thank_you_link_says_so(client, join_page, membership_types, monkeypatch):
    apply(client, join_page, application_data(membership_types["individual"]))
    location = client.post(
        join_page.url, application_data(membership_types["individual"], email="b@example.org")
    )["Location"]
    monkeypatch.setattr("membership.models.pages.THANKS_MAX_AGE", -1)
    response = client.get(location)
    assert response.status_code == 200
    assert "This link has expired" in response.content.decode()
    assert "PSG-" not in response.content.decode()


def test_the_form_page_ignores_stray_query_parameters(client, join_page, membership_types):
    assert client.get(f"{join_page.url}?membership_type=<b>&x=%00").status_code == 200


def test_a_form_without_its_security_token_is_refused_with_a_clear_page(
    join_page, membership_types
):
    client = Client(enforce_csrf_checks=True)
    response = client.post(join_page.url, application_data(membership_types["individual"]))
    assert response.status_code == 403
    assert "Your form could not be sent" in response.content.decode()
    assert not MembershipApplication.objects.exists() and not mail.outbox


@override_settings(MEMBERSHIP_APPLICATIONS_PER_HOUR=1, TRUSTED_PROXY_COUNT=1)
def test_behind_a_proxy_the_limit_counts_each_visitor_not_the_proxy(
    client, join_page, membership_types
):
    def apply_from(address, email):
        data = application_data(membership_types["individual"], email=email)
        return client.post(join_page.url, data, HTTP_X_FORWARDED_FOR=address)

    assert apply_from("198.51.100.7", "a@example.org").status_code == 302
    assert apply_from("198.51.100.8", "b@example.org").status_code == 302
    assert apply_from("198.51.100.7", "c@example.org").status_code == 429
    assert MembershipApplication.objects.count() == 2
