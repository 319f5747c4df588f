"""A database with every migration applied, made once and copied: the test database of each test
run, and the databases of tests of their own (tests/news/test_migrations.py).

Migrating an empty database takes some thirty seconds of CPU on a two-core machine, and `make
test` starts two test runs on each database. The first run that needs it migrates a database
of its own, by `manage.py migrate` as a deploy does, under a lock that the others wait on; every
run then starts from a copy. The copy is kept under a hash of the migration files of every app
installed and of Django's version, so that a changed or added migration, of the site's or of a
dependency, makes a new one: on PostgreSQL a database beside the test databases (the older ones
are dropped), on SQLite a file in .local/."""

import contextlib
import fcntl
import hashlib
import importlib.util
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

PREFIX = "psgsite_migrated_"


def copy_to(name):
    """A copy of the migrated database at `name` (a PostgreSQL database, which must not exist,
    or an SQLite file, replaced)."""
    if connection.vendor == "postgresql":
        template = _postgresql_template()
        with _postgresql_server() as server:
            server.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')
            _without_waiting_for_the_disk(server, name)
    else:
        template = _sqlite_template()
        with sqlite3.connect(template) as source, sqlite3.connect(name) as target:
            source.backup(target)


def drop(name):
    """Drops a PostgreSQL database made by copy_to; an SQLite file is the caller's."""
    if connection.vendor == "postgresql":
        with _postgresql_server() as server:
            server.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _fingerprint():
    """A hash of the migration files of every installed app, and of Django's version. The files
    are read, not imported: some query the database as they are imported, which would open a
    connection to the wrong one."""
    digest = hashlib.sha256(django.get_version().encode())  # which writes the schema
    for app in apps.get_app_configs():
        module, _ = MigrationLoader.migrations_module(app.label)
        spec = importlib.util.find_spec(module) if module else None
        for folder in (spec.submodule_search_locations or []) if spec else []:
            for path in sorted(Path(folder).glob("*.py")):
                digest.update(f"{module}.{path.name}".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _migrate(database_url):
    result = subprocess.run(
        [sys.executable, str(settings.BASE_DIR / "manage.py"), "migrate", "--noinput", "-v", "0"],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "psgsite.settings.test",
            "DATABASE_URL": database_url,
        },
        cwd=settings.BASE_DIR,
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-3000:]


def _sqlite_template():
    folder = settings.BASE_DIR / ".local"
    folder.mkdir(exist_ok=True)
    template = folder / f"{PREFIX}{_fingerprint()}.sqlite3"
    with (folder / f"{PREFIX}lock").open("w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another run making it: wait for it
        if not template.exists():
            building = template.with_suffix(f".{os.getpid()}.building")
            building.unlink(missing_ok=True)
            _migrate(f"sqlite:///{building}")
            for old in folder.glob(f"{PREFIX}*.sqlite3"):
                old.unlink()
            building.rename(template)
    return template


@contextlib.contextmanager
def _postgresql_server():
    """A connection to the server's maintenance database, outside any transaction."""
    import psycopg

    db = connection.settings_dict
    with psycopg.connect(
        dbname="postgres",
        user=db["USER"],
        password=db["PASSWORD"] or None,
        host=db["HOST"] or None,
        port=db["PORT"] or None,
        autocommit=True,
    ) as server:
        yield server


def _without_waiting_for_the_disk(server, name):
    """Durability is not under test: no commit to the database waits for the disk, in the test
    run's own connections or in the servers and schedulers it starts (the SQLite file's
    connections are told so by the test settings)."""
    server.execute(f'ALTER DATABASE "{name}" SET synchronous_commit = off')


def _postgresql_template():
    template = f"{PREFIX}{_fingerprint()}"
    with _postgresql_server() as server:
        # Another run making it: wait for it (the lock ends with the connection).
        server.execute("SELECT pg_advisory_lock(hashtext(%s))", [PREFIX])
        exists = server.execute("SELECT 1 FROM pg_database WHERE datname = %s", [template])
        if exists.fetchone() is None:
            building = f"{template}_building"
            server.execute(f'DROP DATABASE IF EXISTS "{building}" WITH (FORCE)')
            server.execute(f'CREATE DATABASE "{building}"')
            _without_waiting_for_the_disk(server, building)
            db = connection.settings_dict
            _migrate(
                f"postgres://{db['USER']}:{db['PASSWORD'] or ''}@{db['HOST']}:{db['PORT'] or 5432}"
                f"/{building}"
            )
            old = server.execute(
                "SELECT datname FROM pg_database WHERE datname LIKE %s", [f"{PREFIX}%"]
            )
            for (name,) in old.fetchall():
                if name != building:
                    server.execute(f'DROP DATABASE "{name}" WITH (FORCE)')
            server.execute(f'ALTER DATABASE "{building}" RENAME TO "{template}"')
    return template
