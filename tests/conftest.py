import contextlib
import io
import os
import socket
import subprocess
import sys
import time

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message

from django.conf import settings
from django.core.cache import caches
from django.core.management import call_command
from django.db import connection
from django.test import override_settings
from django.utils import translation

from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import Collection, Locale, Page, Site

from home.visibility import forget_kept
from tests import content_snapshot, migrated_database
from tests.factories import HomePageFactory, NewsIndexPageFactory

# What runs as production runs it (gunicorn under the production settings) and what a browser
# drives are tested on PostgreSQL, the database production runs, and not again on SQLite: the
# rest of the suite holds the site's own code to both databases. Running them twice took the
# suite past its time on a two-core machine.
PRODUCTION_ONLY = "the production stack and the browser are tested on PostgreSQL"


def pytest_collection_modifyitems(config, items):
    if not settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"):
        return
    for item in items:
        fixtures = getattr(item, "fixturenames", ())
        if item.get_closest_marker("browser") or "start_production_server" in fixtures:
            item.add_marker(pytest.mark.skip(reason=PRODUCTION_ONLY))


@pytest.fixture(scope="session")
def django_db_setup(request, django_test_environment, django_db_blocker):
    """pytest-django's test database, started from a copy of a migrated one
    (tests/migrated_database.py) rather than migrated anew by each run."""
    from django.test.utils import setup_databases, teardown_databases

    test_name = settings.DATABASES["default"]["TEST"]["NAME"]
    with django_db_blocker.unblock():
        migrated_database.drop(test_name)
        migrated_database.copy_to(test_name)
        # Django finds the copy there and applies what migrations it lacks: none.
        databases = setup_databases(
            verbosity=0, interactive=False, keepdb=True, serialized_aliases=set()
        )
    with emptied_by_delete():
        yield
    with django_db_blocker.unblock():
        teardown_databases(databases, verbosity=0)


@contextlib.contextmanager
def emptied_by_delete():
    """A test with real transactions ends with a flush of every table. On PostgreSQL, Django's
    flush is one TRUNCATE of them all, which makes each table and index a new file: 0.8 s on
    an idle machine, more under `make test`'s load, for each of a hundred transactional tests.
    Within one transaction, DELETE empties the test's few rows in a tenth of that; the foreign
    keys, all deferred, are checked at its end, on empty tables."""
    if connection.vendor != "postgresql":
        yield
        return
    operations = type(connection.ops)
    truncate = operations.sql_flush

    def sql_flush(ops, style, tables, *, reset_sequences=False, allow_cascade=False):
        if reset_sequences or allow_cascade:
            return truncate(
                ops, style, tables, reset_sequences=reset_sequences, allow_cascade=allow_cascade
            )
        return [
            "SET CONSTRAINTS ALL DEFERRED",
            *(f"{style.SQL_KEYWORD('DELETE FROM')} {ops.quote_name(table)}" for table in tables),
        ]

    operations.sql_flush = sql_flush
    try:
        yield
    finally:
        operations.sql_flush = truncate


@pytest.fixture(autouse=True)
def empty_caches():
    """Wagtail caches renditions by image id, and ids come round again in each test; what pages
    read once a generation (home/visibility.py) belongs to rows that are gone too."""
    for cache in caches.all():
        cache.clear()
    forget_kept()


@pytest.fixture(autouse=True)
def in_english():
    """Django keeps the language a request activated in its thread: after a test that asked for a
    page under /es/, what the next renders outside a request would be in Spanish."""
    translation.activate(settings.LANGUAGE_CODE)


def load_site_content():
    """The organisation's real content, as `make run` loads it; returns the command's output.
    After the first time in a test process, a copy of what it made (tests/content_snapshot.py)."""
    wagtail_root()
    return content_snapshot.load(run_load_site_content)


def run_load_site_content():
    """The command itself, every time: for its own tests."""
    wagtail_root()
    out = io.StringIO()
    call_command("load_site_content", stdout=out)
    return out.getvalue()


def wagtail_root():
    """Wagtail's root page. Tests with real transactions end with a flush that removes the
    locale, root page and root collection that Wagtail's migrations made: the next such test
    makes them again."""
    root = Page.get_first_root_node()
    if root is None:
        Locale.objects.get_or_create(
            language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE)
        )
        root = Page.add_root(instance=Page(title="Root", slug="root"))
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    return root


@pytest.fixture
def home(db):
    """An empty home page at the root of the default site."""
    root = wagtail_root()
    Page.objects.filter(depth=2).delete()
    home = HomePageFactory(parent=root, slug="home")
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    return home


@pytest.fixture
def news_index(home):
    return NewsIndexPageFactory(parent=home)


def in_spanish(page, **fields):
    """The page's Spanish translation, as wagtail-localize makes one (Wagtail's
    copy_for_translation: its parent must be in Spanish already), with the fields given,
    published."""
    locale, _ = Locale.objects.get_or_create(language_code="es")
    translation = page.specific.copy_for_translation(locale)
    for name, value in fields.items():
        setattr(translation, name, value)
    translation.save_revision().publish()
    translation.refresh_from_db()
    return translation


@pytest.fixture
def spanish_home(home):
    """The home page's Spanish translation, published: the site's pages under /es/."""
    return in_spanish(home, title="Inicio", heading="Derechos humanos en el Perú")


def test_database_url():
    """The test database's address, for processes of the site's own started by the tests."""
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    return f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def manage_py(*args):
    """A `manage.py` command in a process of its own, on the test database, as production runs
    its processes; the calling test must commit its data (transactional_db)."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "psgsite.settings.test",
        "DATABASE_URL": test_database_url(),
        "DJANGO_MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    return {
        "args": [sys.executable, str(settings.BASE_DIR / "manage.py"), *args],
        "env": env,
        "cwd": settings.BASE_DIR,
        "stdout": subprocess.PIPE,
        "stderr": subprocess.PIPE,
        "text": True,
    }


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def scheduler(transactional_db):
    """A scheduler process polling every second, stopped when the test ends."""
    process = subprocess.Popen(**manage_py("run_scheduler", "--interval", "1"))
    yield process
    process.terminate()
    process.wait(timeout=10)


def scheduler_ahead(seconds):
    """A scheduler process whose clock runs `seconds` ahead of the real one (time-machine moves
    Python's clock in that process alone): it acts on a go-live time that far away now, so a
    test of a scheduled publication need not wait for the minute to come round."""
    command = manage_py("run_scheduler", "--interval", "1")
    command["args"] = [
        sys.executable,
        "-c",
        "import sys, time, time_machine;"
        f"time_machine.travel(time.time() + {float(seconds)}, tick=True).start();"
        "from django.core.management import execute_from_command_line;"
        "execute_from_command_line(sys.argv)",
        *command["args"][2:],  # the command and its options, after python and manage.py
    ]
    return subprocess.Popen(**command)


def wait_until(condition, timeout=30, step=0.25):
    """Polls until condition() is true; the bound only stops a broken test from hanging."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(step)
    return condition()


@pytest.fixture
def smtp_port():
    """A free port on loopback that the site's email goes to, by SMTP, during the test."""
    port = free_port()
    with override_settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="127.0.0.1",
        EMAIL_PORT=port,
        EMAIL_TIMEOUT=5,
    ):
        yield port


@pytest.fixture
def mail_server(smtp_port):
    """Starts a real SMTP server (aiosmtpd) on that port when called, with an Inbox or the
    handler given; returns the handler. Stopped after the test."""
    servers = []

    def start(handler=None):
        handler = handler if handler is not None else Inbox()
        controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
        controller.start()
        servers.append(controller)
        return handler

    yield start
    for controller in servers:
        controller.stop()


class Inbox(Message):
    """What a real SMTP server on loopback (aiosmtpd's Controller) is given, kept in order."""

    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)
