"""Emails about applications go through a real SMTP conversation: a mail server that is down
loses nothing, and the scheduler sends what waits once it is back."""

import logging
import re
from datetime import timedelta

import psycopg
import pytest

from django.conf import settings
from django.core import mail
from django.db import connection
from django.utils import timezone

from membership.emails import send_due_emails, send_now, send_queued
from membership.models import InterestRegistration, MembershipApplication, QueuedEmail
from psgsite.scheduler import run_pass
from tests.conftest import test_database_url as database_url
from tests.membership.conftest import SECRETARY, application_data, interest_data

pytestmark = pytest.mark.django_db


def test_when_the_mail_server_is_down_the_person_is_still_thanked_and_nothing_is_lost(
    client, join_page, membership_types, mail_server, caplog
):
    with caplog.at_level(logging.ERROR, logger="membership.emails"):
        response = client.post(join_page.url, application_data(membership_types["individual"]))
    assert response.status_code == 302
    thanks = client.get(response["Location"])
    assert "Your reference is" in thanks.content.decode()
    application = MembershipApplication.objects.get()
    queued = list(QueuedEmail.objects.order_by("pk"))
    assert [email.to for email in queued] == [["maria@example.org"], [SECRETARY]]
    assert all(email.attempts == 1 for email in queued)
    assert all("ConnectionRefusedError" in email.last_error for email in queued)
    assert all(email.next_attempt_at > timezone.now() for email in queued)
    assert len([r for r in caplog.records if "Could not send" in r.getMessage()]) == 2
    # The log names the email, not the person.
    assert "maria@example.org" not in caplog.text and "Núñez" not in caplog.text

    # Not yet due: the scheduler leaves them for now.
    assert run_pass().emails_sent == 0

    inbox = mail_server()
    later = timezone.now() + timedelta(minutes=5)
    report = run_pass(now=later)
    assert (report.emails_sent, report.emails_failed) == (2, 0)
    assert not QueuedEmail.objects.exists()
    confirmation, notice = inbox.messages
    assert confirmation["To"] == "maria@example.org"
    assert application.reference in confirmation.get_payload(decode=True).decode()
    assert notice["To"] == SECRETARY


def test_when_the_mail_server_is_down_a_registration_of_interest_is_kept_and_told_later(
    client, join_page, mail_server, caplog
):
    with caplog.at_level(logging.ERROR, logger="membership.emails"):
        response = client.post(f"{join_page.url}interest/", interest_data())
    assert response.status_code == 302
    assert client.get(response["Location"]).status_code == 200
    registration = InterestRegistration.objects.get()
    [queued] = QueuedEmail.objects.all()
    assert queued.to == [SECRETARY] and queued.interest_registration == registration
    assert queued.attempts == 1 and "ConnectionRefusedError" in queued.last_error
    assert "rosa@example.org" not in caplog.text and "Rosa" not in caplog.text

    inbox = mail_server()
    report = run_pass(now=timezone.now() + timedelta(minutes=5))
    assert (report.emails_sent, report.emails_failed) == (1, 0)
    [notice] = inbox.messages
    assert notice["To"] == SECRETARY
    assert notice["Subject"] == f"Interest in membership {registration.reference}"
    assert not QueuedEmail.objects.exists()


def test_each_failure_waits_longer_before_the_next_try(join_page, membership_types, smtp_port):
    email = QueuedEmail.objects.create(to=["a@example.org"], subject="Hello", body="Hi")
    delays = []
    for _ in range(4):
        now = QueuedEmail.objects.get(pk=email.pk).next_attempt_at
        assert send_queued(email.pk, now=now) is False
        delays.append(QueuedEmail.objects.get(pk=email.pk).next_attempt_at - now)
    assert delays == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert QueuedEmail.objects.get(pk=email.pk).attempts == 4
    # However long the server is away, it is tried at least hourly.
    QueuedEmail.objects.filter(pk=email.pk).update(attempts=20)
    now = QueuedEmail.objects.get(pk=email.pk).next_attempt_at
    send_queued(email.pk, now=now)
    assert QueuedEmail.objects.get(pk=email.pk).next_attempt_at - now == timedelta(hours=1)


def test_an_email_being_sent_is_not_sent_again_by_another_scheduler(
    join_page, membership_types, mail_server
):
    inbox = mail_server()
    email = QueuedEmail.objects.create(to=["a@example.org"], subject="Hello", body="Hi")
    now = timezone.now()
    # A first scheduler has claimed it (its lease runs) but not yet finished.
    QueuedEmail.objects.filter(pk=email.pk).update(next_attempt_at=now + timedelta(minutes=5))
    assert send_queued(email.pk, now=now) is None
    assert send_due_emails(now=now) == (0, 0)
    assert inbox.messages == []
    # A scheduler that died while sending leaves the email to go when its lease ends.
    assert send_due_emails(now=now + timedelta(minutes=6)) == (1, 0)
    assert len(inbox.messages) == 1 and not QueuedEmail.objects.exists()


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="Holds a lock from a second PostgreSQL connection",
)
@pytest.mark.django_db(transaction=True)
def test_a_database_away_while_sending_leaves_the_emails_to_the_scheduler(mail_server, caplog):
    """The person who applied is not shown an error for it: their application is stored."""
    inbox = mail_server()
    emails = [QueuedEmail.objects.create(to=["a@example.org"], subject="Hi", body="Hi")]
    blocker = psycopg.connect(database_url(), autocommit=False)
    try:
        blocker.execute(f"LOCK TABLE {QueuedEmail._meta.db_table} IN ACCESS EXCLUSIVE MODE")
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = '500ms'")
        send_now(emails)  # the claim times out: a database error, and no exception
    finally:
        blocker.rollback()
        blocker.close()
        with connection.cursor() as cursor:
            cursor.execute("SET statement_timeout = 0")
    assert "to the scheduler: OperationalError: canceling statement" in caplog.text
    assert inbox.messages == []
    assert send_due_emails() == (1, 0)
    assert len(inbox.messages) == 1


MARKER = "Claim the prize waiting for you today"
LINK = "https://prize.example/claim"


def test_the_confirmation_repeats_nothing_typed_but_the_name_and_the_secretary_sees_it_all(
    client, join_page, membership_types, secretary
):
    """The confirmation goes to any address someone types in: were it to repeat the form, the
    form would send anyone's words to anyone, from the organisation."""
    data = application_data(
        membership_types["organisation"],
        address=f"{MARKER}\n{LINK}",
        phone=LINK,
        heard_about=f"{MARKER}. See {LINK}",
        news_opt_in="on",
    )
    assert client.post(join_page.url, data).status_code == 302
    application = MembershipApplication.objects.get()
    confirmation, notice = mail.outbox

    assert confirmation.to == ["maria@example.org"]
    for text in (confirmation.subject, confirmation.body):
        assert MARKER not in text and "prize.example" not in text
    body = confirmation.body
    assert body.startswith("Dear María Núñez,\n")
    assert f"Your reference is {application.reference}." in body
    assert join_page.next_steps in body
    assert "Organisation membership is £60.00 a year, by payment link." in body
    assert "Pay by card on our payment page." in body
    assert "Pay here: https://pay.example.org/psg" in body
    assert "Our membership secretary has the details you gave with your application." in body
    assert "reply to this email" in body and confirmation.reply_to == [SECRETARY]

    # The secretary's notice leads to all of it, stored as it was typed.
    assert (application.address, application.phone) == (f"{MARKER}\n{LINK}", LINK)
    assert notice.to == [SECRETARY]
    admin_path = re.search(r"^http://testserver(/admin/\S+)$", notice.body, re.MULTILINE)[1]
    client.force_login(secretary)
    inspect = client.get(admin_path).content.decode()
    assert application.reference in inspect
    assert inspect.count(MARKER) == 2 and inspect.count(LINK) == 3
