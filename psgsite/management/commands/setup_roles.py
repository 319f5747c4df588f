from django.core.management.base import BaseCommand

from psgsite.roles import EDITORS, MEMBERSHIP_SECRETARIES, MODERATORS, WORKFLOW, set_up_roles


class Command(BaseCommand):
    help = (
        "Create or repair the Editors, Moderators and Membership secretaries groups, the "
        f'editors\' collection and the "{WORKFLOW}" workflow on the whole page tree. Safe to '
        "run again."
    )

    def handle(self, *args, **options):
        set_up_roles()
        self.stdout.write(
            self.style.SUCCESS(
                f"Roles: {EDITORS}, {MODERATORS}, {MEMBERSHIP_SECRETARIES}; "
                f'every page goes through "{WORKFLOW}".'
            )
        )
