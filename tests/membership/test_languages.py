"""The applicant's email in the language of the join page they applied on; the membership
secretary's notices in English, whichever page the application or registration came from."""

import pytest

from django.core import mail
from django.utils import timezone

from membership.models import InterestRegistration, MembershipApplication
from tests.conftest import in_spanish
from tests.membership.conftest import SECRETARY, application_data, interest_data

pytestmark = pytest.mark.django_db

NEXT_STEPS = "Gracias por su solicitud. Nuestra secretaria de membresía le escribirá pronto."


@pytest.fixture
def spanish_join_page(join_page, spanish_home):
    return in_spanish(join_page, title="Hágase miembro", next_steps=NEXT_STEPS)


def test_an_application_on_the_spanish_join_page_is_answered_in_spanish(
    client, spanish_join_page, membership_types
):
    assert spanish_join_page.url.startswith("/es/")
    response = client.post(spanish_join_page.url, application_data(membership_types["individual"]))
    assert response.status_code == 302 and response["Location"].startswith("/es/")
    application = MembershipApplication.objects.get()
    assert application.language == "es"

    confirmation, notice = mail.outbox
    assert confirmation.to == ["maria@example.org"]
    assert confirmation.subject.startswith("Su solicitud para unirse al ")
    body = confirmation.body
    assert body.startswith("Estimado/a María Núñez:\n")
    assert application.reference in body
    assert NEXT_STEPS in body and "Cómo pagar" in body
    assert "Thank you" not in body and "How to pay" not in body

    # The secretary reads English, dates and all.
    assert notice.to == [SECRETARY]
    assert notice.subject == f"New membership application {application.reference}"
    assert "A new membership application has arrived" in notice.body
    submitted = timezone.localtime(application.submitted_at)
    assert f"Submitted: {submitted.day} {submitted:%B %Y}" in notice.body


def test_an_application_on_the_english_join_page_is_answered_in_english(
    client, join_page, spanish_join_page, membership_types
):
    client.post(join_page.url, application_data(membership_types["individual"]))
    assert MembershipApplication.objects.get().language == "en-gb"
    confirmation, _notice = mail.outbox
    assert confirmation.body.startswith("Dear María Núñez,\n")
    assert join_page.next_steps in confirmation.body


def test_interest_registered_on_the_spanish_join_page_is_told_to_the_secretary_in_english(
    client, spanish_join_page
):
    response = client.post(f"{spanish_join_page.url}interest/", interest_data())
    assert response.status_code == 302
    registration = InterestRegistration.objects.get()
    [notice] = mail.outbox
    assert notice.subject == f"Interest in membership {registration.reference}"
    registered = timezone.localtime(registration.registered_at)
    assert f"Registered: {registered.day} {registered:%B %Y}" in notice.body
