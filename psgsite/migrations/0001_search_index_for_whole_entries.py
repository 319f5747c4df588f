"""On PostgreSQL, Wagtail's search matches a page's title and body together, `(title || body) @@
query`, which its indexes on each column alone cannot answer: every search read and joined the
vectors of every page. This index answers that match, and the count of results, directly; the
statistics gathered with it tell the planner how many pages a word matches."""

from django.db import migrations

CREATE = [
    "CREATE INDEX IF NOT EXISTS psgsite_indexentry_title_body_gin "
    "ON wagtailsearch_indexentry USING gin ((title || body))",
    "ANALYZE wagtailsearch_indexentry",
]
DROP = ["DROP INDEX IF EXISTS psgsite_indexentry_title_body_gin"]


def on_postgresql(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for sql in statements:
                schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
