"""How long applicants' personal data is kept (UK GDPR's storage limitation).

An application is anonymised a set time after its decision: the figures stay (type, dates,
status) and everything that names the person goes, with any email about it still queued. An
application that no one decided on in a set time after it came is deleted. Spam is never
stored, so there is none to clear.
"""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import MembershipApplication

logger = logging.getLogger("membership.retention")


@dataclass
class RetentionReport:
    anonymised: list
    deleted: list
    decided_before: object
    submitted_before: object

    def __str__(self):
        return (
            f"Anonymised {len(self.anonymised)} application(s) decided before "
            f"{self.decided_before:%Y-%m-%d}{_refs(self.anonymised)}; deleted "
            f"{len(self.deleted)} undecided application(s) sent before "
            f"{self.submitted_before:%Y-%m-%d}{_refs(self.deleted)}."
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
    report = RetentionReport(anonymised, deleted, decided_before, submitted_before)
    logger.info("Retention: %s", report)
    return report
