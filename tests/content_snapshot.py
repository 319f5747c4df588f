"""The day-one content, loaded by the real command once per test process and then copied back.

Loading it (`load_site_content`) publishes some thirty pages through Wagtail, with their
revisions, search entries and references: seconds each time, and about a hundred tests and
classes start from it. The first load in a process runs the command and keeps a copy of every
table as the command left it; a later load onto the same starting point puts back, in one
transaction, the tables that differ from the copy. The command itself is tested on its own
(tests/psgsite/test_load_site_content.py), where it runs every time.

A copy is used only where the command would make the site from nothing (no home page yet), onto
the same rows as when it was made: in a test's transaction, the same rows id for id; in a
database that a transactional test emptied, as many of the rows that Django and Wagtail make
again after emptying it, and nothing else. (Their ids are new each time, which is why the copy
puts back every table that differs, not only those the command writes.) The two kinds of test
keep copies apart: in a test's transaction, publishing does not commit, so what waits for the
commit (the search index, the page cache's new generation) differs.
"""

import hashlib
import json

from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.core.management.color import no_style
from django.db import connection, transaction

from home.models import HomePage
from psgsite.page_cache import new_generation_on_commit

_copies = {}


def load(run_command):
    """Loads the content with `run_command()` (returning its output) or from the copy made by an
    earlier load onto the same starting point; returns the command's output."""
    if HomePage.objects.exists():
        return run_command()  # what the command keeps or adds to an existing site is its own
    now = read_all()
    key = _starting_point(now)
    copy = _copies.get(key)
    if copy is None:
        output = run_command()
        if key is not None:
            _copies[key] = {"tables": read_all(), "output": output}
        return output
    _restore(copy["tables"], now)
    return copy["output"]


# What a transactional test's database holds before the content, once Django has emptied it
# after the last test: Django's content types and permissions, made again with new ids, and the
# root page, locale and collection (tests/conftest.py wagtail_root) with their log and index.
REMADE_AFTER_EMPTYING = {
    "auth_permission",
    "django_content_type",
    "wagtailcore_collection",
    "wagtailcore_locale",
    "wagtailcore_page",
    "wagtailcore_pagelogentry",
    "wagtailsearch_indexentry",
    "wagtailsearch_indexentry_fts",
}


def _starting_point(tables):
    """What a copy is kept under: in a test's transaction, every row as it is; in a database
    emptied by a transactional test, how many rows each table holds, where none holds anything
    a test made. None where no copy serves."""
    if connection.in_atomic_block:
        return ("in a transaction", hashlib.sha256("\0".join(tables.values()).encode()).digest())
    filled = {table for table, rows in tables.items() if rows != "[]"}
    if not filled <= REMADE_AFTER_EMPTYING:
        return None
    return ("emptied", tuple(sorted((t, len(json.loads(tables[t]))) for t in filled)))


def forget():
    """Drops the copies: the next load runs the command."""
    _copies.clear()


def read_all():
    """Every table's rows, as the copy keeps them."""
    return {table: _read(table) for table in _tables()}


def _tables():
    return sorted(connection.introspection.django_table_names(only_existing=True))


def _columns(table):
    """The columns a row is written with: on PostgreSQL not those it computes (GENERATED), on
    SQLite with the rowid of a virtual (full-text search) table, which its entries are keyed by."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0"
                " AND NOT attisdropped AND attgenerated = '' ORDER BY attnum",
                [connection.ops.quote_name(table)],
            )
            return [name for (name,) in cursor.fetchall()]
        columns = [c.name for c in connection.introspection.get_table_description(cursor, table)]
        cursor.execute("SELECT sql FROM sqlite_master WHERE name = %s", [table])
        if cursor.fetchone()[0].upper().startswith("CREATE VIRTUAL TABLE"):
            columns.insert(0, "rowid")
        return columns


def _read(table):
    """The table's rows as JSON, so that every value (dates, JSON, search vectors) goes back as
    the database gave it, with no conversion by Python on the way."""
    quoted = connection.ops.quote_name(table)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"SELECT coalesce(json_agg(t), '[]')::text FROM {quoted} t")  # noqa: S608
        else:
            pairs = ", ".join(f"'{c}', {connection.ops.quote_name(c)}" for c in _columns(table))
            cursor.execute(f"SELECT json_group_array(json_object({pairs})) FROM {quoted}")  # noqa: S608
        return cursor.fetchone()[0]


def _restore(tables, now):
    """Puts back every table that differs from the copy. Where a test's database was emptied
    and filled again between two tests (a transactional test's), that is more than the tables
    the command writes: Django made the content types and permissions again, with new ids."""
    differing = {table: rows for table, rows in tables.items() if now[table] != rows}
    with transaction.atomic(), connection.cursor() as cursor:
        for table, rows in differing.items():
            quoted = connection.ops.quote_name(table)
            columns = _columns(table)
            names = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"DELETE FROM {quoted}")  # noqa: S608
            if not json.loads(rows):
                continue
            if connection.vendor == "postgresql":
                cursor.execute(
                    f"INSERT INTO {quoted} ({names}) SELECT {names}"  # noqa: S608
                    f" FROM json_populate_recordset(NULL::{quoted}, %s::json)",
                    [rows],
                )
            else:
                values = ", ".join(f"value ->> '$.\"{c}\"'" for c in columns)
                cursor.execute(
                    f"INSERT INTO {quoted} ({names}) SELECT {values} FROM json_each(%s)",  # noqa: S608
                    [rows],
                )
        # New rows after these take the next free ids, as they would after the command.
        models = [
            model
            for model in apps.get_models(include_auto_created=True)
            if model._meta.db_table in differing
        ]
        for statement in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(statement)
        # As publishing does: pages rendered before the commit belong to the old content.
        new_generation_on_commit()
    ContentType.objects.clear_cache()  # the ids it keeps may be those just replaced
