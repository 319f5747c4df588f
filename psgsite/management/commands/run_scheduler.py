import logging
import time

from django.core.management.base import BaseCommand

from psgsite.retention import apply_retention
from psgsite.scheduler import run_pass

logger = logging.getLogger("psgsite.scheduler")

RETENTION_INTERVAL = 24 * 60 * 60


class Command(BaseCommand):
    help = (
        "Publish pages whose go-live time has come, unpublish those that have expired and "
        "send queued emails, every --interval seconds until stopped, and apply the retention "
        "of personal data (membership, email alerts) once a day; --once makes a single pass, "
        "as from cron (run apply_retention daily beside it). Safe to run on several servers at "
        "once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=30, help="Seconds between passes (default 30)."
        )
        parser.add_argument("--once", action="store_true", help="Make one pass and stop.")

    def handle(self, *args, interval, once, **options):
        # Everything it does is told through the log (psgsite.scheduler, membership.emails,
        # membership.retention, alerts.retention), which production writes as JSON lines.
        if once:
            run_pass()
            return
        interval = max(interval, 0.5)
        logger.info("Scheduler started: a pass every %g seconds", interval)
        retention_due = time.monotonic()
        while True:
            try:
                run_pass()
                if time.monotonic() >= retention_due:
                    apply_retention()
                    retention_due = time.monotonic() + RETENTION_INTERVAL
            except Exception:
                # A pass that fails as a whole (the database is away, say) is logged, and the
                # next pass tries again rather than the process dying.
                logger.exception("Scheduled publishing pass failed")
            time.sleep(interval)
