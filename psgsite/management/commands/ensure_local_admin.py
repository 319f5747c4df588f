import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

PASSWORD_FILE = Path(settings.BASE_DIR) / ".local" / "admin-password"


class Command(BaseCommand):
    help = (
        "On a development machine, create the 'admin' account once with a random password kept "
        "in .local/admin-password, and say how to log in. Never changes an existing account."
    )

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")

    def handle(self, *args, username, **options):
        if not settings.DEBUG:
            raise CommandError("Only for development (DEBUG on): use createsuperuser elsewhere.")
        User = get_user_model()
        if not User.objects.filter(username=username).exists():
            password = secrets.token_urlsafe(12)
            User.objects.create_superuser(username, email="", password=password)
            PASSWORD_FILE.parent.mkdir(exist_ok=True)
            PASSWORD_FILE.write_text(password + "\n", encoding="utf-8")
            PASSWORD_FILE.chmod(0o600)
            self.stdout.write(self.style.SUCCESS(f"Created the admin account '{username}'."))
        if PASSWORD_FILE.exists():
            password = PASSWORD_FILE.read_text(encoding="utf-8").strip()
            how = f"password {password} (kept in {PASSWORD_FILE.relative_to(settings.BASE_DIR)})"
        else:
            how = "the password you set"
        self.stdout.write(
            f"Admin: http://127.0.0.1:8000/admin/ - log in as '{username}' with {how}."
        )
