"""The pages' topic links point at news.Topic, whose rows kept the tags' ids (0003)."""

import django.db.models.deletion
import modelcluster.contrib.taggit
from django.core.management.color import no_style
from django.db import migrations, models


def copy_topics_back_to_tags(apps, schema_editor):
    """Going back: topics added since become taggit tags, with their ids, before the links
    point at taggit's table again."""
    Tag = apps.get_model("taggit", "Tag")
    Topic = apps.get_model("news", "Topic")
    existing = set(Tag.objects.values_list("pk", flat=True))
    Tag.objects.bulk_create(
        Tag(pk=topic.pk, name=topic.name, slug=topic.slug)
        for topic in Topic.objects.exclude(pk__in=existing).iterator()
    )
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), [Tag]):
            cursor.execute(sql)


class Migration(migrations.Migration):
    dependencies = [("news", "0003_topics_as_a_managed_list")]

    operations = [
        migrations.AlterField(
            model_name="newsitemtopic",
            name="tag",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="%(app_label)s_%(class)s_items",
                to="news.topic",
            ),
        ),
        migrations.AlterField(
            model_name="newsitempage",
            name="topics",
            field=modelcluster.contrib.taggit.ClusterTaggableManager(
                blank=True,
                help_text=(
                    "Subjects such as Mining or Human rights, which readers can follow. Choose "
                    "from the list; ask a moderator to add a topic."
                ),
                through="news.NewsItemTopic",
                to="news.Topic",
                verbose_name="topics",
            ),
        ),
        migrations.RunPython(migrations.RunPython.noop, copy_topics_back_to_tags),
    ]
