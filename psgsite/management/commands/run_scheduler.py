import logging
import time

from django.core.management import call_command
from django.core.management.base import BaseCommand

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Publish and unpublish pages whose scheduled time has come, every --interval seconds "
        "until stopped (--once for a single pass, as from cron)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=int, default=30, help="Seconds between passes.")
        parser.add_argument("--once", action="store_true", help="Make one pass and stop.")

    def handle(self, *args, interval, once, **options):
        if interval < 1:
            interval = 1
        self.stdout.write(f"Scheduler: publishing scheduled pages every {interval} seconds.")
        while True:
            try:
                call_command("publish_scheduled", stdout=self.stdout)
            except Exception:
                # A failed pass is logged; the next one tries again rather than the process dying.
                logger.exception("Scheduled publishing failed")
            if once:
                return
            time.sleep(interval)
