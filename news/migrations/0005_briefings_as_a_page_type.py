"""Briefings become a page type of their own (news.BriefingPage). Each news item marked as a
briefing gets the new table's row and the new type, in its page, its revisions (so that a
revert gives a briefing) and its search entry; its address, number and PDF are not touched."""

import django.db.models.deletion
from django.db import migrations, models


def set_type(apps, schema_editor, is_briefing, from_model, to_model):
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    Revision = apps.get_model("wagtailcore", "Revision")
    IndexEntry = apps.get_model("wagtailsearch", "IndexEntry")
    NewsPage = apps.get_model("news", "NewsPage")
    BriefingPage = apps.get_model("news", "BriefingPage")
    old, _ = ContentType.objects.get_or_create(app_label="news", model=from_model)
    new, _ = ContentType.objects.get_or_create(app_label="news", model=to_model)
    ids = list(NewsPage.objects.filter(is_briefing=True).values_list("pk", flat=True))
    if not ids:
        return
    table = schema_editor.quote_name(BriefingPage._meta.db_table)
    column = schema_editor.quote_name("newspage_ptr_id")
    with schema_editor.connection.cursor() as cursor:
        if is_briefing:
            # A row of the child table alone: saving a model would write its parents' rows too.
            for pk in ids:
                cursor.execute(f"INSERT INTO {table} ({column}) VALUES (%s)", [pk])
        else:
            cursor.execute(f"DELETE FROM {table}")
    Page.objects.filter(pk__in=ids, content_type_id=old.pk).update(content_type_id=new.pk)
    object_ids = [str(pk) for pk in ids]
    revisions = Revision.objects.filter(object_id__in=object_ids, content_type_id=old.pk)
    for revision in revisions.iterator():
        revision.content_type_id = new.pk
        if revision.content.get("content_type") == old.pk:
            revision.content["content_type"] = new.pk
        revision.save(update_fields=["content_type", "content"])
    entries = IndexEntry.objects.filter(object_id__in=object_ids, content_type_id=old.pk)
    entries.update(content_type_id=new.pk)


def make_briefings(apps, schema_editor):
    set_type(apps, schema_editor, True, "newspage", "briefingpage")


def make_news_items(apps, schema_editor):
    set_type(apps, schema_editor, False, "briefingpage", "newspage")


class Migration(migrations.Migration):
    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("news", "0004_news_pages_take_topics_from_the_list"),
        ("wagtailcore", "0098_apitoken"),
        ("wagtaildocs", "0014_alter_document_file_size"),
        ("wagtailsearch", "0010_add_text_fields"),
    ]

    operations = [
        migrations.CreateModel(
            name="BriefingPage",
            fields=[
                (
                    "newspage_ptr",
                    models.OneToOneField(
                        auto_created=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        parent_link=True,
                        primary_key=True,
                        serialize=False,
                        to="news.newspage",
                    ),
                ),
            ],
            options={"verbose_name": "briefing"},
            bases=("news.newspage",),
        ),
        migrations.AlterField(
            model_name="newspage",
            name="briefing_document",
            field=models.ForeignKey(
                blank=True,
                help_text=(
                    "The briefing as a PDF: readers get a link to download it. Put it here "
                    "only, not in the body as well."
                ),
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="wagtaildocs.document",
                verbose_name="briefing PDF",
            ),
        ),
        migrations.AlterField(
            model_name="newspage",
            name="is_briefing",
            field=models.BooleanField(
                default=False,
                editable=False,
                help_text="True for briefings (BriefingPage) alone.",
                verbose_name="this is a briefing",
            ),
        ),
        migrations.AlterField(
            model_name="newspage",
            name="issue_number",
            field=models.PositiveIntegerField(
                blank=True,
                help_text="The briefing's number.",
                null=True,
                verbose_name="briefing number",
            ),
        ),
        migrations.RunPython(make_briefings, make_news_items),
    ]
