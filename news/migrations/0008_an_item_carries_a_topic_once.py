import django.db.models.deletion
import modelcluster.fields
from django.db import migrations, models
from django.db.models import Count, Min


def remove_repeated_topics(apps, schema_editor):
    """Keeps the first link of an item to a topic where there are more, in the item's live row
    and in its revisions, so that no revision published later brings a second one back."""
    Link = apps.get_model("news", "NewsItemTopic")
    Revision = apps.get_model("wagtailcore", "Revision")
    repeated = (
        Link.objects.values("content_object_id", "tag_id")
        .annotate(links=Count("pk"), first=Min("pk"))
        .filter(links__gt=1)
    )
    items = set()
    for link in repeated:
        Link.objects.filter(
            content_object_id=link["content_object_id"], tag_id=link["tag_id"]
        ).exclude(pk=link["first"]).delete()
        items.add(str(link["content_object_id"]))
    # Revisions are saved from the live row's topics: only those of the items mended can
    # repeat one.
    for revision in Revision.objects.filter(object_id__in=items):
        links = revision.content.get("tagged_items") or []
        kept, seen = [], set()
        for link in links:
            if link.get("tag") not in seen:
                seen.add(link.get("tag"))
                kept.append(link)
        if len(kept) < len(links):
            revision.content = {**revision.content, "tagged_items": kept}
            revision.save(update_fields=["content"])


class Migration(migrations.Migration):
    dependencies = [
        ("news", "0007_topics_in_spanish"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [
        migrations.RunPython(remove_repeated_topics, migrations.RunPython.noop),
        migrations.AddConstraint(
            model_name="newsitemtopic",
            constraint=models.UniqueConstraint(
                fields=("content_object", "tag"), name="news_item_topic_once"
            ),
        ),
        # The constraint's index leads with the item: its own index is one more to write.
        migrations.AlterField(
            model_name="newsitemtopic",
            name="content_object",
            field=modelcluster.fields.ParentalKey(
                db_index=False,
                on_delete=django.db.models.deletion.CASCADE,
                related_name="tagged_items",
                to="news.newsitempage",
            ),
        ),
    ]
