"""How long an unconfirmed subscription is kept: UNCONFIRMED_FOR after it was made, which is as
long as its confirmation link works (alerts/links.py). An address that was never confirmed may
not be its owner's, so nothing of it is kept longer. Confirmed subscriptions stay until the
reader leaves."""

import logging
from dataclasses import dataclass

from django.db.models import Q
from django.utils import timezone

from .models import UNCONFIRMED_FOR, Subscription

logger = logging.getLogger("alerts.retention")


@dataclass
class RetentionReport:
    deleted: int
    made_before: object

    def __str__(self):
        return (
            f"Deleted {self.deleted} email alert subscription(s) left unconfirmed since before "
            f"{timezone.localtime(self.made_before):%Y-%m-%d %H:%M}."
        )


def apply_retention(now=None):
    now = now or timezone.now()
    made_before = now - UNCONFIRMED_FOR
    # One whose confirmation was sent again lately keeps that link working to its end.
    stale = Subscription.objects.unconfirmed().filter(
        Q(confirmation_sent_at__isnull=True) | Q(confirmation_sent_at__lt=made_before),
        created_at__lt=made_before,
    )
    _, deleted = stale.delete()
    report = RetentionReport(deleted.get(Subscription._meta.label, 0), made_before)
    logger.info("Retention: %s", report)
    return report
