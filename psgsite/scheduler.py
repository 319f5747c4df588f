"""Scheduled publishing that is safe to run from several servers at once.

Wagtail records go-live and expiry times but publishes nothing until something acts on them.
Its own `publish_scheduled` command takes no locks, so two overlapping runs can publish the
same revision twice, and one failure stops the rest. Here each due item is handled in a
transaction of its own that first locks its row and checks again that it is still due: a
second scheduler waits for the first to finish with that row and then finds nothing to do,
and a failure rolls back only its own item.
"""

import logging
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.utils import timezone

from wagtail.models import DraftStateMixin, Page, Revision

from alerts.delivery import queue_due_digests, queue_pending_announcements
from membership.emails import send_due_emails

from .models import Heartbeat

logger = logging.getLogger("psgsite.scheduler")


@dataclass
class PassReport:
    published: list = field(default_factory=list)
    unpublished: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    alerts_queued: int = 0
    digests_queued: int = 0
    emails_sent: int = 0
    emails_failed: int = 0


def publishable_models():
    """Pages, and any other model with Wagtail's draft state (snippets), as Wagtail does."""
    others = [
        model
        for model in apps.get_models()
        if issubclass(model, DraftStateMixin) and not issubclass(model, Page)
    ]
    return [Page, *others]


def run_pass(now=None):
    """Unpublish what has expired, publish what is due, queue the email alerts of what was
    announced and the weekly digests that are due, and send the emails that wait (a bounded
    number), then record that the scheduler ran; returns what was done."""
    now = now or timezone.now()
    report = PassReport()
    for model in publishable_models():
        due = model.objects.filter(live=True, expire_at__lte=now).order_by("expire_at", "pk")
        for pk in list(due.values_list("pk", flat=True)):
            _unpublish_expired(model, pk, now, report)
    due = Revision.objects.filter(approved_go_live_at__lte=now).order_by(
        "approved_go_live_at", "pk"
    )
    for pk in list(due.values_list("pk", flat=True)):
        _publish_due(pk, now, report)
    # The alerts of what was just published go out in this same pass.
    report.alerts_queued = _queue_emails(queue_pending_announcements, now, "alerts")
    report.digests_queued = _queue_emails(queue_due_digests, now, "weekly digests")
    report.emails_sent, report.emails_failed = send_due_emails(now)
    if report.alerts_queued or report.digests_queued or report.emails_sent or report.emails_failed:
        logger.info(
            "Emails: %d alert(s) and %d digest(s) queued, %d sent, %d failed",
            report.alerts_queued,
            report.digests_queued,
            report.emails_sent,
            report.emails_failed,
        )
    # For the dashboard's launch checklist: a pass that got this far ran.
    Heartbeat.beat(Heartbeat.SCHEDULER)
    return report


def _queue_emails(queue, now, what):
    """A failure to queue is logged and tried again next pass; the emails already queued are
    still sent."""
    try:
        return queue(now)
    except Exception:
        logger.exception("Could not queue the %s", what)
        return 0


def _unpublish_expired(model, pk, now, report):
    try:
        with transaction.atomic():
            obj = (
                model.objects.select_for_update()
                .filter(pk=pk, live=True, expire_at__lte=now)
                .first()
            )
            if obj is None:  # another scheduler got there first
                return
            obj.unpublish(set_expired=True, log_action="wagtail.unpublish.scheduled")
    except Exception:
        logger.exception("Could not unpublish expired %s %s", model._meta.verbose_name, pk)
        report.failed.append((model, pk))
        return
    logger.info("Unpublished %s (expired at %s)", _describe(obj), _local(obj.expire_at))
    report.unpublished.append(obj)


def _publish_due(pk, now, report):
    try:
        with transaction.atomic():
            revision = (
                Revision.objects.select_for_update()
                .filter(pk=pk, approved_go_live_at__lte=now)
                .first()
            )
            if revision is None:  # another scheduler got there first
                return
            go_live_at = revision.approved_go_live_at
            revision.publish(log_action="wagtail.publish.scheduled")
    except Exception:
        logger.exception("Could not publish scheduled revision %s", pk)
        report.failed.append((Revision, pk))
        return
    logger.info(
        "Published %s (revision %s, due at %s)",
        _describe(revision.content_object),
        pk,
        _local(go_live_at),
    )
    report.published.append(revision)


def _describe(obj):
    model = getattr(obj, "specific_class", None) or type(obj)
    return f'{model._meta.verbose_name} "{obj}" (id {obj.pk})'


def _local(moment):
    return timezone.localtime(moment).strftime("%Y-%m-%d %H:%M %Z")
