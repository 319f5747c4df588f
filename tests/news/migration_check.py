"""Run in a process of its own, on a database of its own (tests/news/test_migrations.py): the
site's content with topics and a briefing is taken back through the migrations that made
topics a list and briefings a page type, checked there, and brought forward again."""

import json

from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection

from wagtail.models import Page, Revision

from news.models import BriefingPage, NewsItemTopic, NewsPage, Topic
from tests.conftest import load_site_content

BEFORE = ("news", "0002_event_dates_help_text")


def rows(sql):
    with connection.cursor() as cursor:
        cursor.execute(sql)
        return sorted(tuple(row) for row in cursor.fetchall())


def snapshot():
    briefing = BriefingPage.objects.get(slug="briefing-on-water")
    return {
        "topics": sorted(Topic.objects.values_list("pk", "name", "slug")),
        "links": sorted(NewsItemTopic.objects.values_list("content_object_id", "tag_id")),
        "briefing": [briefing.pk, briefing.issue_number, briefing.url_path],
        "types": sorted((page.pk, page.content_type.model) for page in Page.objects.type(NewsPage)),
        "revision types": sorted(
            Revision.objects.filter(object_id=str(briefing.pk)).values_list(
                "content_type__model", flat=True
            )
        ),
    }


def run():
    call_command("migrate", verbosity=0)
    load_site_content()
    index = NewsPage.objects.first().get_parent()
    briefing = BriefingPage(title="Briefing on water", slug="briefing-on-water", issue_number=3)
    index.add_child(instance=briefing)
    briefing.topics.add("Water", "Mining")
    briefing.save_revision().publish()
    briefing.title = "Briefing on water, revised"
    briefing.save_revision()
    before = snapshot()

    call_command("migrate", *BEFORE, verbosity=0)
    old = {
        "tags": rows("SELECT id, name, slug FROM taggit_tag"),
        "links": rows("SELECT content_object_id, tag_id FROM news_newsitemtopic"),
        "briefings": rows(
            "SELECT newsitempage_ptr_id, issue_number FROM news_newspage WHERE is_briefing"
        ),
        "type": ContentType.objects.get_for_id(
            Page.objects.get(pk=briefing.pk).content_type_id
        ).model,
        "tables": "news_topic" in connection.introspection.table_names()
        or "news_briefingpage" in connection.introspection.table_names(),
    }

    # A topic carried twice, as a race of two saves could leave it before the constraint: in
    # the live row and in the latest revision, from which a publication would bring it back.
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO news_newsitemtopic (content_object_id, tag_id) "
            "SELECT content_object_id, tag_id FROM news_newsitemtopic WHERE content_object_id = %s",
            [briefing.pk],
        )
    revision = Revision.objects.filter(object_id=str(briefing.pk)).latest("pk")
    links = revision.content["tagged_items"]
    revision.content["tagged_items"] = [*links, {**links[0], "pk": None}]
    revision.save(update_fields=["content"])
    repeated = rows(
        "SELECT content_object_id, tag_id FROM news_newsitemtopic "
        "GROUP BY content_object_id, tag_id HAVING count(*) > 1"
    )

    call_command("migrate", verbosity=0)
    after = snapshot()
    revision.refresh_from_db()
    # Topics made after the migration are numbered past the copied ones.
    fresh = Topic.objects.create(name="Forests")
    print(
        json.dumps(
            {
                "before": before,
                "old": old,
                "after": after,
                "fresh id above": fresh.pk > max(pk for pk, *_ in after["topics"]),
                "repeated before": len(repeated),
                "revision topics": [link["tag"] for link in revision.content["tagged_items"]],
                "live title": Page.objects.get(pk=briefing.pk).title,
                "draft": Page.objects.get(pk=briefing.pk).get_latest_revision_as_object().title,
            }
        )
    )
