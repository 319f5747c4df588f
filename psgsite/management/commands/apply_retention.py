from django.core.management.base import BaseCommand

from psgsite.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise membership applications decided longer ago than MEMBERSHIP_RETENTION_DAYS, "
        "delete those left undecided longer than MEMBERSHIP_ABANDONED_DAYS and registrations "
        "of interest older than MEMBERSHIP_INTEREST_RETENTION_DAYS, and delete email alert "
        "subscriptions left unconfirmed for 30 days. The scheduler runs this daily; run it "
        "daily from cron if the scheduler is not used."
    )

    def handle(self, *args, **options):
        for report in apply_retention():
            self.stdout.write(str(report))
