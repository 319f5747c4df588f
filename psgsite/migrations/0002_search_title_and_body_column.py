"""On PostgreSQL, a column of Wagtail's index table holding each entry's title and body vectors
joined, `title || body`, which is what Wagtail's search matches (psgsite/search.py). PostgreSQL
computes it when an entry is written, where each search joined the two vectors of every page it
looked at: work the planner did not count, so it chose to do it for every page. It is kept in
the row (storage MAIN), so that a match reads nothing else, and indexed, replacing 0001's index
on the expression. An index on object_id finds a page's entry in one step, where the unique
index on (content_type_id, object_id) takes one for each page type.

While this column depends on them, the type of the title and body columns cannot change: a
Wagtail migration that changed it would fail, and this one is to be reversed first."""

from importlib import import_module

from django.db import migrations

on_postgresql = import_module("psgsite.migrations.0001_search_index_for_whole_entries").on_postgresql

FORWARD = [
    # One statement, so that the table is written once, with the column's storage already set.
    "ALTER TABLE wagtailsearch_indexentry"
    " ADD COLUMN psgsite_title_body tsvector GENERATED ALWAYS AS (title || body) STORED,"
    " ALTER COLUMN psgsite_title_body SET STORAGE MAIN",
    "CREATE INDEX psgsite_indexentry_title_body ON wagtailsearch_indexentry"
    " USING gin (psgsite_title_body)",
    "CREATE INDEX psgsite_indexentry_object_id ON wagtailsearch_indexentry (object_id)",
    "DROP INDEX IF EXISTS psgsite_indexentry_title_body_gin",
    "ANALYZE wagtailsearch_indexentry",
]
BACKWARD = [
    "DROP INDEX IF EXISTS psgsite_indexentry_object_id",
    "ALTER TABLE wagtailsearch_indexentry DROP COLUMN IF EXISTS psgsite_title_body",
    "CREATE INDEX IF NOT EXISTS psgsite_indexentry_title_body_gin"
    " ON wagtailsearch_indexentry USING gin ((title || body))",
]


class Migration(migrations.Migration):
    dependencies = [("psgsite", "0001_search_index_for_whole_entries")]

    operations = [migrations.RunPython(on_postgresql(FORWARD), on_postgresql(BACKWARD))]
