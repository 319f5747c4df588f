"""Subject access and erasure requests: everything stored about one person, found by email.

Each app tells the personal data page what it keeps about people through the
`register_personal_data` hook: a function returning one PersonalData, or a list of them. The
membership app registers its own records that way too (membership/wagtail_hooks.py), so the page
knows no app above it."""

import logging
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q
from django.utils import dateformat, timezone

from wagtail import hooks

from .models import InterestRegistration, MembershipApplication, QueuedEmail

logger = logging.getLogger("membership.personal_data")

HOOK = "register_personal_data"

APPLICATION_FIELDS = [*MembershipApplication.APPLICANT_FIELDS, "language", "status", "staff_notes"]
INTEREST_FIELDS = [*InterestRegistration.REGISTRANT_FIELDS, "times_registered", "staff_notes"]


@dataclass(frozen=True)
class PersonalData:
    """One kind of record kept about people."""

    key: str  # the name of its list in the export
    label: str  # the heading of its table on the page
    noun: str  # as the erase message counts it: "application(s)"
    find: Callable  # (email) -> the records of that address, in any capitals and spaces
    export: Callable  # (record) -> a JSON-ready dict of everything stored in it
    erase: Callable  # (records) -> None: deletes them
    columns: tuple = ()  # (heading, record -> value) pairs the page shows of each
    # What the log names an erased record by, never by its address; None logs the count only.
    reference: Callable | None = None
    order: int = 50  # where it comes on the page, in the export and in the message


def registered():
    """Every kind of record the apps registered, in order."""
    found = []
    for hook in hooks.get_hooks(HOOK):
        result = hook()
        found.extend(result if isinstance(result, list | tuple) else [result])
    return sorted(found, key=lambda kind: kind.order)


def find(email):
    """[(kind, records)] for every registered kind: all of them looked up before anything is
    erased, as erasing one (an application) may take others with it (its emails)."""
    return [(kind, list(kind.find(email))) for kind in registered()]


def export(email):
    """A JSON-ready record of what is stored about the person."""
    return {
        "email": email.strip(),
        "exported_at": timezone.now().isoformat(),
        **{kind.key: [kind.export(record) for record in records] for kind, records in find(email)},
    }


@transaction.atomic
def erase(email):
    """Deletes everything stored about the person; returns [(kind, how many records went)]."""
    found = find(email)
    for kind, records in found:
        if records:
            kind.erase(records)
    logger.info(
        "Erased personal data on request: %s",
        "; ".join(
            f"{len(records)} {kind.noun}"
            + (f" {', '.join(map(kind.reference, records)) or '-'}" if kind.reference else "")
            for kind, records in found
        ),
    )
    return [(kind, len(records)) for kind, records in found]


def as_shown(value):
    """A value as the page shows it in a table cell."""
    if hasattr(value, "tzinfo") and hasattr(value, "hour"):
        return dateformat.format(timezone.localtime(value), "j F Y H:i")
    if value is None:
        return "-"
    return value


def _isoformat(moment):
    return moment.isoformat() if moment else None


def _delete(model):
    def delete(records):
        model.objects.filter(pk__in=[record.pk for record in records]).delete()

    return delete


# The membership app's own records.


def applications_for(email):
    return (
        MembershipApplication.objects.filter(email__iexact=email.strip())
        .select_related("membership_type")
        .order_by("submitted_at", "pk")
    )


def interest_registrations_for(email):
    return InterestRegistration.objects.for_email(email).order_by("registered_at", "pk")


def emails_for(email):
    """Queued emails to the address (email alerts among them), or about its applications and
    registrations of interest (the secretary's notices)."""
    address = email.strip().lower()
    queued_emails = QueuedEmail.objects.select_related(
        "application", "interest_registration"
    ).order_by("pk")
    if address.isascii() and not set(address) & {'"', "\\"}:
        # The outbox may hold an alert to every subscriber: the database first narrows it to
        # the emails whose recipients' text holds the address. (JSON may escape other
        # characters, so an address with them is looked for in Python alone.)
        queued_emails = queued_emails.filter(
            Q(to__icontains=address)
            | Q(application__email__iexact=address)
            | Q(interest_registration__email__iexact=address)
        )
    return [
        queued
        for queued in queued_emails
        if address in (to.strip().lower() for to in queued.to)
        or queued.application_id
        and queued.application.email.lower() == address
        or queued.interest_registration_id
        and queued.interest_registration.email.lower() == address
    ]


def _exported_application(application):
    return {
        "reference": application.reference,
        "submitted_at": application.submitted_at.isoformat(),
        "decided_at": _isoformat(application.decided_at),
        "anonymised_at": _isoformat(application.anonymised_at),
        **{name: getattr(application, name) for name in APPLICATION_FIELDS},
        "membership_type": application.membership_type.name,
    }


def _exported_registration(registration):
    return {
        "reference": registration.reference,
        "registered_at": registration.registered_at.isoformat(),
        "last_registered_at": registration.last_registered_at.isoformat(),
        **{name: getattr(registration, name) for name in INTEREST_FIELDS},
    }


def _exported_email(queued):
    return {
        "to": queued.to,
        "reply_to": queued.reply_to,
        "subject": queued.subject,
        "body": queued.body,
        "created_at": queued.created_at.isoformat(),
        "attempts": queued.attempts,
        "next_attempt_at": queued.next_attempt_at.isoformat(),
        "last_error": queued.last_error,
    }


APPLICATIONS = PersonalData(
    key="membership_applications",
    label="Membership applications",
    noun="application(s)",
    find=applications_for,
    export=_exported_application,
    erase=_delete(MembershipApplication),
    columns=(
        ("Reference", lambda application: application.reference),
        ("Name", lambda application: application.full_name),
        ("Type", lambda application: application.membership_type.name),
        ("Submitted", lambda application: application.submitted_at),
        ("Status", lambda application: application.get_status_display()),
    ),
    reference=lambda application: application.reference,
    order=10,
)

INTEREST_REGISTRATIONS = PersonalData(
    key="interest_registrations",
    label="Registrations of interest",
    noun="registration(s) of interest",
    find=interest_registrations_for,
    export=_exported_registration,
    erase=_delete(InterestRegistration),
    columns=(
        ("Reference", lambda registration: registration.reference),
        ("Name", lambda registration: registration.full_name),
        ("Registered", lambda registration: registration.registered_at),
        ("Last registered", lambda registration: registration.last_registered_at),
    ),
    reference=lambda registration: registration.reference,
    order=20,
)

# Last: erasing an application above takes its emails with it, but they were counted first.
EMAILS = PersonalData(
    key="emails_waiting_to_be_sent",
    label="Emails waiting to be sent",
    noun="queued email(s)",
    find=emails_for,
    export=_exported_email,
    erase=_delete(QueuedEmail),
    columns=(
        ("Subject", lambda queued: queued.subject),
        ("Queued", lambda queued: queued.created_at),
    ),
    order=90,
)
