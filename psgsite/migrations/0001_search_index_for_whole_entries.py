"""On PostgreSQL, Wagtail's search matches a page's title and body together, `(title || body) @@
query`, which its indexes on each column alone cannot answer: every search read and joined the
vectors of every page. This index answers that match, and the count of results, directly."""

from django.db import migrations

CREATE = """
CREATE INDEX IF NOT EXISTS psgsite_indexentry_title_body_gin
ON wagtailsearch_indexentry USING gin ((title || body))
"""
DROP = "DROP INDEX IF EXISTS psgsite_indexentry_title_body_gin"


def on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(on_postgresql(CREATE), on_postgresql(DROP))]
