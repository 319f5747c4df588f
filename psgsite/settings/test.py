"""The test suite: SQLite unless DATABASE_URL names another server, a fast hasher, plain
static storage."""

import os
import tempfile
from pathlib import Path

os.environ.setdefault("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.locmem.EmailBackend")
os.environ.setdefault("DJANGO_SECRET_KEY", "test-only-key")
os.environ.setdefault("DATABASE_URL", "sqlite://:memory:")

from .base import *  # noqa: E402, F403

# Each run gets a test database of its own, so that two runs at once (the whole suite and one
# module, say) do not drop each other's tables.
_RUN = os.getpid()
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":  # noqa: F405
    # A file rather than memory, so that a scheduler started by the tests in its own process
    # works on the same test database.
    (BASE_DIR / ".local").mkdir(exist_ok=True)  # noqa: F405
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / ".local" / f"test-db-{_RUN}.sqlite3")}  # noqa: F405
    # Durability is not under test: no commit waits for the disk (on PostgreSQL, the test
    # database says so itself: tests/migrated_database.py).
    DATABASES["default"]["OPTIONS"]["init_command"] = "PRAGMA synchronous = OFF"  # noqa: F405
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_{DATABASES['default']['NAME']}_{_RUN}"}  # noqa: F405

ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Uploads go to a folder of the test run's own, which the web server started by the tests
# serves as well (the calling process passes DJANGO_MEDIA_ROOT on).
MEDIA_ROOT = Path(os.environ.get("DJANGO_MEDIA_ROOT") or tempfile.mkdtemp(prefix="psg-media-"))
SERVE_MEDIA_FILES = True
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WAGTAILADMIN_BASE_URL = "http://testserver"
# The browser tests' live server serves static files straight from static/, as runserver does.
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
# Django's test client logs in without a request, which django-axes refuses; the tests of the
# login lockout turn it back on.
AXES_ENABLED = False
# Tests change content inside transactions that never commit, so a page cache would never see
# a new generation; the page cache's own tests turn it on, with what pages read once a
# generation (home/visibility.py).
PAGE_CACHE_SECONDS = 0
PAGE_DATA_KEPT = False

# The browser tests' web server serves one test after another (tests/browser/server_reset.py).
if os.environ.get("PSG_TEST_SERVER_MARK_FILE"):
    MIDDLEWARE = ["tests.browser.server_reset.ForgetBetweenTestsMiddleware", *MIDDLEWARE]  # noqa: F405
