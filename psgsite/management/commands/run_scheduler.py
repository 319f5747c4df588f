import logging
import time

from django.core.management.base import BaseCommand

from psgsite.scheduler import run_pass

logger = logging.getLogger("psgsite.scheduler")


class Command(BaseCommand):
    help = (
        "Publish pages whose go-live time has come and unpublish those that have expired, "
        "every --interval seconds until stopped; --once makes a single pass, as from cron. "
        "Safe to run on several servers at once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=30, help="Seconds between passes (default 30)."
        )
        parser.add_argument("--once", action="store_true", help="Make one pass and stop.")

    def handle(self, *args, interval, once, **options):
        if once:
            self.report(run_pass())
            return
        interval = max(interval, 0.5)
        self.stdout.write(f"Scheduler: publishing scheduled pages every {interval:g} seconds.")
        while True:
            try:
                self.report(run_pass())
            except Exception:
                # A pass that fails as a whole (the database is away, say) is logged, and the
                # next pass tries again rather than the process dying.
                logger.exception("Scheduled publishing pass failed")
            time.sleep(interval)

    def report(self, report):
        for revision in report.published:
            self.stdout.write(f"Published: {revision.content_object}")
        for obj in report.unpublished:
            self.stdout.write(f"Unpublished (expired): {obj}")
        if report.failed:
            self.stderr.write(f"{len(report.failed)} item(s) failed; see the log.")
