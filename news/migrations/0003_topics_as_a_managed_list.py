"""Topics become a list of their own (news.Topic): each taggit tag that a news page carries is
copied with its id, name and slug, so that the pages' links and the topics' addresses stay."""

from django.core.management.color import no_style
from django.db import migrations, models


def reset_sequence(schema_editor, model):
    # Rows were written with their ids: PostgreSQL's sequence must start past them.
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [model]):
            cursor.execute(sql)


def copy_tags_to_topics(apps, schema_editor):
    Tag = apps.get_model("taggit", "Tag")
    Topic = apps.get_model("news", "Topic")
    NewsItemTopic = apps.get_model("news", "NewsItemTopic")
    used = Tag.objects.filter(pk__in=NewsItemTopic.objects.values("tag_id")).order_by("pk")
    Topic.objects.bulk_create(
        Topic(pk=tag.pk, name=tag.name, slug=tag.slug) for tag in used.iterator()
    )
    reset_sequence(schema_editor, Topic)


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0002_event_dates_help_text"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [
        migrations.CreateModel(
            name="Topic",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("name", models.CharField(max_length=100, unique=True, verbose_name="name")),
                (
                    "slug",
                    models.SlugField(
                        allow_unicode=True, max_length=100, unique=True, verbose_name="slug"
                    ),
                ),
                (
                    "description",
                    models.TextField(
                        blank=True,
                        help_text=(
                            "A sentence or two shown at the top of the topic's page, "
                            "saying what it covers."
                        ),
                        max_length=1000,
                    ),
                ),
            ],
            options={"verbose_name": "topic", "ordering": ["name"]},
        ),
        migrations.RunPython(copy_tags_to_topics, migrations.RunPython.noop),
    ]
