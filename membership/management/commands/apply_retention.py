from django.core.management.base import BaseCommand

from membership.retention import apply_retention


class Command(BaseCommand):
    help = (
        "Anonymise membership applications decided longer ago than MEMBERSHIP_RETENTION_DAYS "
        "and delete those left undecided longer than MEMBERSHIP_ABANDONED_DAYS. The scheduler "
        "runs this daily; run it daily from cron if the scheduler is not used."
    )

    def handle(self, *args, **options):
        self.stdout.write(str(apply_retention()))
