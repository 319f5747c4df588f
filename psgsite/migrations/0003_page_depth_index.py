"""An index on the depth and path of Wagtail's pages, for the children of a page (depth one more,
path beneath it), which the menu on every page asks for: Wagtail's own index on the path alone
reads every descendant to find them, the whole archive in the case of the home page."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [("psgsite", "0002_search_title_and_body_column"), ("wagtailcore", "0001_initial")]

    operations = [
        migrations.RunSQL(
            "CREATE INDEX IF NOT EXISTS psgsite_page_depth_path ON wagtailcore_page (depth, path)",
            "DROP INDEX IF EXISTS psgsite_page_depth_path",
        )
    ]
