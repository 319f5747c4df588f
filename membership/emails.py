"""The emails an application or a registration of interest sends, and their delivery with
retries.

Emails are queued in the same transaction as the application or registration they are about.
The join page tries to send them at once; whatever fails is logged and tried again by the
scheduler, later and later, until it goes.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db import DatabaseError
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from home.models import SiteSettings

from .models.outbox import QueuedEmail

logger = logging.getLogger("membership.emails")

# A claimed email is left alone by other schedulers for this long while it is being sent.
SENDING_LEASE = timedelta(minutes=5)
MAX_RETRY_DELAY = timedelta(hours=1)


def queue_application_emails(application, join_page, site):
    """The confirmation to the applicant and the notice to the membership secretary."""
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
    emails = [
        QueuedEmail(
            application=application,
            to=[application.email],
            reply_to=[secretary] if secretary else [],
            subject=f"Your application to join the {site_settings.organisation_name}",
            body=render_to_string("membership/emails/confirmation.txt", context),
        )
    ]
    if secretary:
        emails.append(
            QueuedEmail(
                application=application,
                to=[secretary],
                subject=f"New membership application {application.reference}",
                body=render_to_string("membership/emails/notification.txt", context),
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
    email = QueuedEmail(
        interest_registration=registration,
        to=[secretary],
        subject=f"Interest in membership {registration.reference}{again}",
        body=render_to_string("membership/emails/interest_notification.txt", context),
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


def send_due_emails(now=None):
    """Sends every queued email whose time has come; returns how many went and how many failed."""
    now = now or timezone.now()
    due = QueuedEmail.objects.filter(next_attempt_at__lte=now).values_list("pk", flat=True)
    sent = failed = 0
    for pk in list(due[:500]):
        result = send_queued(pk, now)
        sent += result is True
        failed += result is False
    return sent, failed


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
        delay = min(timedelta(minutes=2 ** (email.attempts - 1)), MAX_RETRY_DELAY)
        retry_at = now + delay
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
