"""Subject access and erasure requests: everything stored about one person, found by email."""

import logging

from django.db import transaction
from django.utils import timezone

from .models import InterestRegistration, MembershipApplication, QueuedEmail

logger = logging.getLogger("membership.personal_data")

APPLICATION_FIELDS = [*MembershipApplication.APPLICANT_FIELDS, "status", "staff_notes"]
INTEREST_FIELDS = [*InterestRegistration.REGISTRANT_FIELDS, "times_registered", "staff_notes"]


def applications_for(email):
    return (
        MembershipApplication.objects.filter(email__iexact=email.strip())
        .select_related("membership_type")
        .order_by("submitted_at", "pk")
    )


def interest_registrations_for(email):
    return InterestRegistration.objects.for_email(email).order_by("registered_at", "pk")


def emails_for(email):
    """Queued emails to the address, or about its applications and registrations of interest
    (the secretary's notices)."""
    address = email.strip().lower()
    return [
        queued
        for queued in QueuedEmail.objects.select_related(
            "application", "interest_registration"
        ).order_by("pk")
        if address in (to.lower() for to in queued.to)
        or queued.application_id
        and queued.application.email.lower() == address
        or queued.interest_registration_id
        and queued.interest_registration.email.lower() == address
    ]


def export(email):
    """A JSON-ready record of what is stored about the person."""
    return {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        "membership_applications": [
            {
                "reference": application.reference,
                "submitted_at": application.submitted_at.isoformat(),
                "decided_at": _isoformat(application.decided_at),
                "anonymised_at": _isoformat(application.anonymised_at),
                **{name: getattr(application, name) for name in APPLICATION_FIELDS},
                "membership_type": application.membership_type.name,
            }
            for application in applications_for(email)
        ],
        "interest_registrations": [
            {
                "reference": registration.reference,
                "registered_at": registration.registered_at.isoformat(),
                "last_registered_at": registration.last_registered_at.isoformat(),
                **{name: getattr(registration, name) for name in INTEREST_FIELDS},
            }
            for registration in interest_registrations_for(email)
        ],
        "emails_waiting_to_be_sent": [
            {
                "to": queued.to,
                "reply_to": queued.reply_to,
                "subject": queued.subject,
                "body": queued.body,
                "created_at": queued.created_at.isoformat(),
                "attempts": queued.attempts,
                "next_attempt_at": queued.next_attempt_at.isoformat(),
                "last_error": queued.last_error,
            }
            for queued in emails_for(email)
        ],
    }


def _isoformat(moment):
    return moment.isoformat() if moment else None


@transaction.atomic
def erase(email):
    """Deletes the person's applications, registrations of interest and the emails about them;
    returns what went."""
    emails = emails_for(email)
    applications = list(applications_for(email))
    registrations = list(interest_registrations_for(email))
    QueuedEmail.objects.filter(pk__in=[queued.pk for queued in emails]).delete()
    references = [application.reference for application in applications]
    interest = [registration.reference for registration in registrations]
    MembershipApplication.objects.filter(pk__in=[a.pk for a in applications]).delete()
    InterestRegistration.objects.filter(pk__in=[r.pk for r in registrations]).delete()
    logger.info(
        "Erased personal data on request: %d application(s) %s, %d registration(s) of "
        "interest %s, %d queued email(s)",
        len(references),
        ", ".join(references) or "-",
        len(interest),
        ", ".join(interest) or "-",
        len(emails),
    )
    return {"applications": references, "interest_registrations": interest, "emails": len(emails)}
