"""The scheduler sends the outbox in batches over one connection to the mail server: what
fails waits its turn, later each time, and nothing is lost or sent twice."""

import email
import email.policy
from datetime import timedelta

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from membership.emails import send_due_emails
from membership.models import QueuedEmail
from tests.conftest import Inbox

pytestmark = pytest.mark.django_db


class CountingInbox(Inbox):
    """An inbox that counts the connections made to it (each greets it once) and refuses
    the addresses it is told to."""

    def __init__(self, refuse=()):
        super().__init__()
        self.connections = 0
        self.refuse = set(refuse)

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"


@pytest.fixture
def mail_server(mail_server):
    """The suite's SMTP server, counting connections and refusing the addresses given."""

    def start(refuse=()):
        return mail_server(CountingInbox(refuse))

    return start


def queue(count, **fields):
    now = timezone.now()
    return QueuedEmail.objects.bulk_create(
        QueuedEmail(
            to=[f"reader{n}@example.org"],
            subject=f"Alert {n}",
            body=f"Plain {n}",
            next_attempt_at=now - timedelta(seconds=count - n),
            **fields,
        )
        for n in range(count)
    )


def test_a_batch_goes_over_one_connection_with_its_html_part_and_headers(mail_server):
    inbox = mail_server()
    queue(
        7,
        html_body="<p>Rich</p>",
        headers={"List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
    )
    assert send_due_emails(batch_size=3) == (7, 0)
    assert inbox.connections == 1
    assert [m["To"] for m in inbox.messages] == [f"reader{n}@example.org" for n in range(7)]
    message = email.message_from_bytes(inbox.messages[0].as_bytes(), policy=email.policy.default)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message.get_body(("plain",)).get_content().strip() == "Plain 0"
    assert message.get_body(("html",)).get_content().strip() == "<p>Rich</p>"
    assert not QueuedEmail.objects.exists()


def test_a_pass_sends_a_bounded_number_and_leaves_the_rest_to_the_next(mail_server):
    inbox = mail_server()
    queue(5)
    assert send_due_emails(batch_size=2, max_batches=2) == (4, 0)
    assert list(QueuedEmail.objects.values_list("subject", flat=True)) == ["Alert 4"]
    assert send_due_emails(batch_size=2, max_batches=2) == (1, 0)
    assert len(inbox.messages) == 5 and not QueuedEmail.objects.exists()


def test_a_refused_address_waits_its_turn_and_the_others_go(mail_server):
    inbox = mail_server(refuse={"reader1@example.org"})
    queue(4)
    now = timezone.now()
    assert send_due_emails(now=now) == (3, 1)
    assert sorted(m["To"] for m in inbox.messages) == [
        "reader0@example.org",
        "reader2@example.org",
        "reader3@example.org",
    ]
    [waiting] = QueuedEmail.objects.all()
    assert waiting.to == ["reader1@example.org"]
    assert waiting.attempts == 1 and waiting.claim == ""
    assert waiting.next_attempt_at == now + timedelta(minutes=1)
    assert "SMTPRecipientsRefused" in waiting.last_error
    # After a failure the connection is made again, once, for the rest of the batch.
    assert inbox.connections == 2


def test_when_the_server_is_down_the_whole_batch_waits_and_goes_later(smtp_port, mail_server):
    queue(3)
    now = timezone.now()
    assert send_due_emails(now=now) == (0, 3)
    waiting = list(QueuedEmail.objects.all())
    assert [e.attempts for e in waiting] == [1, 1, 1]
    assert {e.next_attempt_at for e in waiting} == {now + timedelta(minutes=1)}
    assert all("ConnectionRefusedError" in e.last_error for e in waiting)
    assert send_due_emails(now=now + timedelta(seconds=30)) == (0, 0)
    # A second failure waits twice as long.
    assert send_due_emails(now=now + timedelta(minutes=1)) == (0, 3)
    assert {e.next_attempt_at for e in QueuedEmail.objects.all()} == {now + timedelta(minutes=3)}

    inbox = mail_server()
    assert send_due_emails(now=now + timedelta(minutes=3)) == (3, 0)
    assert len(inbox.messages) == 3 and inbox.connections == 1
    assert not QueuedEmail.objects.exists()


@pytest.mark.parametrize("refuse", [False, True])
def test_a_batch_takes_the_same_queries_however_many_emails_it_holds(mail_server, refuse):
    """Claim, read the claimed, delete the sent; and one update for the refused."""
    mail_server(refuse={"reader0@example.org"} if refuse else ())
    counts = []
    for size in (2, 6):
        queue(size)
        with CaptureQueriesContext(connection) as queries:
            assert send_due_emails(batch_size=10) == (size - refuse, int(refuse))
        counts.append(len(queries))
        QueuedEmail.objects.all().delete()
    assert counts == [4 if refuse else 3] * 2
