"""How long applicants' personal data is kept (UK GDPR's storage limitation).

An application is anonymised a set time after its decision: the figures stay (type, dates,
status) and everything that names the person goes, with any email about it still queued. An
application that no one decided on in a set time after it came is deleted. A registration of
interest is deleted, with any email about it, a set time after the person last sent it: by then
they have been told that applications opened, or the interest is old enough to ask afresh. Spam
is never stored, so there is none to clear.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import InterestRegistration, MembershipApplication

logger = logging.getLogger("membership.retention")


@dataclass
class RetentionReport:
    anonymised: list
    deleted: list
    decided_before: object
    submitted_before: object
    interest_deleted: list
    registered_before: object

    def __str__(self):
        return (
            f"Anonymised {len(self.anonymised)} application(s) decided before "
            f"{self.decided_before:%Y-%m-%d}{_refs(self.anonymised)}; deleted "
            f"{len(self.deleted)} undecided application(s) sent before "
            f"{self.submitted_before:%Y-%m-%d}{_refs(self.deleted)}; deleted "
            f"{len(self.interest_deleted)} registration(s) of interest last sent before "
            f"{self.registered_before:%Y-%m-%d}{_refs(self.interest_deleted)}."
        )


def _refs(references):
    return f" ({', '.join(references)})" if references else ""


@transaction.atomic
def apply_retention(now=None):
    now = now or timezone.now()
    decided_before = now - timedelta(days=settings.MEMBERSHIP_RETENTION_DAYS)
    submitted_before = now - timedelta(days=settings.MEMBERSHIP_ABANDONED_DAYS)
    anonymised = []
    due = MembershipApplication.objects.select_for_update().filter(
        anonymised_at__isnull=True, decided_at__lt=decided_before
    )
    for application in due.exclude(status=MembershipApplication.Status.NEW):
        application.anonymise()
        anonymised.append(application.reference)
    abandoned = MembershipApplication.objects.filter(
        status=MembershipApplication.Status.NEW, submitted_at__lt=submitted_before
    )
    deleted = [application.reference for application in abandoned]
    abandoned.delete()
    registered_before = now - timedelta(days=settings.MEMBERSHIP_INTEREST_RETENTION_DAYS)
    stale = InterestRegistration.objects.filter(last_registered_at__lt=registered_before)
    interest_deleted = [registration.reference for registration in stale]
    stale.delete()
    report = RetentionReport(
        anonymised, deleted, decided_before, submitted_before, interest_deleted, registered_before
    )
    logger.info("Retention: %s", report)
    return report
