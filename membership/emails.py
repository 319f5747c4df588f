"""The emails an application or a registration of interest sends, and their delivery with
retries.

Emails are queued in the same transaction as the application or registration they are about.
The join page tries to send them at once; whatever fails is logged and tried again by the
scheduler, later and later, until it goes.
"""

import logging
import secrets
from datetime import timedelta

from django.conf import settings
from django.core.mail import get_connection
from django.db import DatabaseError
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from home.models import SiteSettings

from .models.outbox import QueuedEmail

logger = logging.getLogger("membership.emails")

# A claimed email is left alone by other schedulers for this long while it is being sent.
SENDING_LEASE = timedelta(minutes=5)
MAX_RETRY_DELAY = timedelta(hours=1)
# Emails sent over one connection between two claims, and the batches of one scheduler pass.
BATCH_SIZE = 100
BATCHES_PER_PASS = 10


def queue_application_emails(application, join_page, site):
    """The confirmation to the applicant, in the language of the join page they applied on
    (its next steps are that page's own), and the notice to the membership secretary, in
    English as the staff's screens are."""
    site_settings = SiteSettings.for_site(site)
    secretary = site_settings.membership_email or site_settings.email
    context = {
        "application": application,
        "membership_type": application.membership_type,
        "join_page": join_page,
        "site_settings": site_settings,
        "admin_url": settings.WAGTAILADMIN_BASE_URL
        + reverse("membership_membershipapplication_modeladmin_inspect", args=[application.pk]),
    }
    # The confirmation goes to whatever address was typed in, so it repeats nothing typed but
    # the name: the form must not carry someone else's words to a stranger in our name.
    with translation.override(application.language):
        emails = [
            QueuedEmail(
                application=application,
                to=[application.email],
                reply_to=[secretary] if secretary else [],
                subject=gettext("Your application to join the %(organisation)s")
                % {"organisation": site_settings.organisation_name},
                body=render_to_string("membership/emails/confirmation.txt", context),
            )
        ]
    if secretary:
        with translation.override(settings.LANGUAGE_CODE):
            body = render_to_string("membership/emails/notification.txt", context)
        emails.append(
            QueuedEmail(
                application=application,
                to=[secretary],
                subject=f"New membership application {application.reference}",
                body=body,
            )
        )
    else:
        logger.warning(
            "No membership secretary address in site settings: nobody was told of %s",
            application.reference,
        )
    return QueuedEmail.objects.bulk_create(emails)


def queue_interest_emails(registration, is_new, site):
    """The notice to the membership secretary. The person who registered gets no email: the
    address is whatever was typed in, and the thank-you page tells them what they need."""
    site_settings = SiteSettings.for_site(site)
    secretary = site_settings.membership_email or site_settings.email
    if not secretary:
        logger.warning(
            "No membership secretary address in site settings: nobody was told of %s",
            registration.reference,
        )
        return []
    context = {
        "registration": registration,
        "is_new": is_new,
        "admin_url": settings.WAGTAILADMIN_BASE_URL
        + reverse("membership_interestregistration_modeladmin_inspect", args=[registration.pk]),
    }
    again = "" if is_new else " (registered again)"
    # In English, as the staff's screens are, whichever join page it came from.
    with translation.override(settings.LANGUAGE_CODE):
        body = render_to_string("membership/emails/interest_notification.txt", context)
    email = QueuedEmail(
        interest_registration=registration,
        to=[secretary],
        subject=f"Interest in membership {registration.reference}{again}",
        body=body,
    )
    return QueuedEmail.objects.bulk_create([email])


def send_now(emails):
    """Tries the emails just queued at once. What cannot go now is the scheduler's: a failed
    send is queued again by send_queued, and a database gone away meanwhile must not turn a
    stored application into an error page for the person who sent it."""
    for email in emails:
        try:
            send_queued(email.pk)
        except DatabaseError as error:
            logger.error("Left %s to the scheduler: %s: %s", email, type(error).__name__, error)
            return


def send_due_emails(now=None, batch_size=BATCH_SIZE, max_batches=BATCHES_PER_PASS):
    """Sends the queued emails whose time has come, in batches over one connection to the mail
    server; returns how many went and how many failed. At most max_batches a call, so that a
    large fan-out of alerts does not hold up the scheduler's publishing: the rest go in the
    next passes."""
    now = now or timezone.now()
    sent = failed = 0
    connection = None
    try:
        for _ in range(max_batches):
            batch = claim_batch(now, batch_size)
            if not batch:
                break
            if connection is None:
                connection = get_connection()
            went, errors, server_down = send_batch(batch, connection)
            sent += len(went)
            failed += sum(len(pks) for pks in errors.values())
            finish_batch(batch, went, errors, now)
            if server_down or len(batch) < batch_size:
                break
    finally:
        if connection is not None:
            close_quietly(connection)
    return sent, failed


def claim_batch(now, batch_size):
    """Claims up to batch_size due emails for this sender and returns them. The claim is a
    conditional UPDATE (alike on SQLite and PostgreSQL): a second scheduler's finds them no
    longer due, and one that dies while sending leaves them to go when the lease ends."""
    token = secrets.token_hex(16)
    due = QueuedEmail.objects.filter(next_attempt_at__lte=now).order_by("next_attempt_at", "pk")
    QueuedEmail.objects.filter(
        pk__in=due.values("pk")[:batch_size], next_attempt_at__lte=now
    ).update(claim=token, next_attempt_at=now + SENDING_LEASE, attempts=F("attempts") + 1)
    return list(QueuedEmail.objects.filter(claim=token).order_by("pk"))


def send_batch(batch, connection):
    """Sends each email over the one connection, opened once (and again after a failure, which
    may have broken it). Returns the emails sent, the failed ones' primary keys by their error,
    and whether the server could not be reached at all (the rest of the batch then waits)."""
    went, errors = [], {}
    is_open = False
    for index, email in enumerate(batch):
        try:
            if not is_open:
                connection.open()
                is_open = True
            email.message(connection=connection).send()
        except Exception as error:
            message = f"{type(error).__name__}: {error}"[:1000]
            if not is_open:
                # The server cannot be reached: the whole rest of the batch waits.
                errors.setdefault(message, []).extend(e.pk for e in batch[index:])
                return went, errors, True
            errors.setdefault(message, []).append(email.pk)
            close_quietly(connection)
            is_open = False
            continue
        went.append(email)
    return went, errors, False


def finish_batch(batch, went, errors, now):
    """Deletes what went, in one query, and gives what failed its next try, later each time:
    one query for each error and number of attempts."""
    if went:
        # One DELETE: QuerySet.delete() would first read the rows back (with their bodies) for
        # the site's deletion signals, which have nothing to do with the outbox.
        sent = QueuedEmail.objects.filter(pk__in=[email.pk for email in went])
        sent._raw_delete(sent.db)
        logger.info("Sent %d email(s)", len(went))
    by_pk = {email.pk: email for email in batch}
    attempts = {email.pk: email.attempts for email in batch}
    for error, pks in errors.items():
        by_attempts = {}
        for pk in pks:
            by_attempts.setdefault(attempts[pk], []).append(pk)
        for tries, group in sorted(by_attempts.items()):
            retry_at = now + retry_delay(tries)
            QueuedEmail.objects.filter(pk__in=group).update(
                next_attempt_at=retry_at, last_error=error, claim=""
            )
            # One email is named by its subject, as send_queued names it; a batch by number.
            if len(group) == 1:
                what = str(by_pk[group[0]])
            else:
                shown = ", ".join(map(str, group[:10])) + (", ..." if len(group) > 10 else "")
                what = f"{len(group)} emails ({shown})"
            logger.error(
                "Could not send %s (attempt %d): %s. Next try at %s.",
                what,
                tries,
                error,
                timezone.localtime(retry_at).strftime("%Y-%m-%d %H:%M:%S %Z"),
            )


def retry_delay(attempts):
    return min(timedelta(minutes=2 ** (attempts - 1)), MAX_RETRY_DELAY)


def close_quietly(connection):
    try:
        connection.close()
    except Exception as error:
        logger.warning("Could not close the mail connection: %s: %s", type(error).__name__, error)


def send_queued(pk, now=None):
    """Sends one queued email if it is due and no one else is sending it. True when sent, False
    when it failed (and is queued again), None when there was nothing to do."""
    now = now or timezone.now()
    # Claiming by a conditional update works alike on PostgreSQL and SQLite and holds no lock
    # while the mail server is talked to.
    claimed = QueuedEmail.objects.filter(pk=pk, next_attempt_at__lte=now).update(
        next_attempt_at=now + SENDING_LEASE, attempts=F("attempts") + 1
    )
    email = QueuedEmail.objects.filter(pk=pk).first() if claimed else None
    if email is None:
        return None
    try:
        email.message().send()
    except Exception as error:
        retry_at = now + retry_delay(email.attempts)
        QueuedEmail.objects.filter(pk=pk).update(
            next_attempt_at=retry_at, last_error=f"{type(error).__name__}: {error}"[:1000]
        )
        logger.error(
            "Could not send %s (attempt %d): %s: %s. Next try at %s.",
            email,
            email.attempts,
            type(error).__name__,
            error,
            timezone.localtime(retry_at).strftime("%Y-%m-%d %H:%M:%S %Z"),
        )
        return False
    QueuedEmail.objects.filter(pk=pk).delete()
    logger.info("Sent %s after %d attempt(s)", email, email.attempts)
    return True
