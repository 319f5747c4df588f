from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from membership.models import MembershipType

SAMPLE = {
    "name": "Sample membership (for trying the form: replace or delete before launch)",
    "annual_fee": "0.00",
    "description": "A sample type added on a development machine so that the application form "
    "can be tried. Replace or delete it under Membership → Membership types before launch.",
    "payment_details": "Sample payment details: a real type gives the account name, sort code "
    "and account number here.",
}


class Command(BaseCommand):
    help = (
        "On a development machine, add one sample membership type, clearly named as a sample, so "
        "that the join page's application form can be tried. Adds nothing once any membership "
        "type exists, so a type that staff deleted is not brought back while others remain."
    )

    def handle(self, *args, **options):
        if not settings.DEBUG:
            raise CommandError(
                "Only for development (DEBUG on): in production, staff add the real membership "
                "types under Membership → Membership types."
            )
        if MembershipType.objects.exists():
            self.stdout.write("Membership types exist already: no sample added.")
            return
        MembershipType.objects.create(**SAMPLE)
        self.stdout.write(
            self.style.SUCCESS(f"Added the membership type '{SAMPLE['name']}' to try the form.")
        )
