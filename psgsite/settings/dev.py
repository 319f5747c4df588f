"""A laptop: debugging on, console email, and an embedded SQLite database unless DATABASE_URL
says otherwise."""

import os
from pathlib import Path

# base.py reads these from the environment and refuses to start without them.
os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
os.environ.setdefault("DJANGO_SECRET_KEY", "dev-only-key-never-used-in-production")
os.environ.setdefault(
    "DATABASE_URL", f"sqlite:///{Path(__file__).resolve().parents[2] / 'db.sqlite3'}"
)
# A template edited on a laptop shows at the next reload; set it to try the page cache.
os.environ.setdefault("DJANGO_PAGE_CACHE_SECONDS", "0")

from .base import *  # noqa: E402, F403

DEBUG = True
SERVE_MEDIA_FILES = True
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "[::1]"]
STORAGES["staticfiles"] = {  # noqa: F405
    "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
}

# Keep the console readable while loading content: Wagtail logs each page action at INFO.
LOGGING["loggers"]["wagtail"] = {"level": "WARNING"}  # noqa: F405
