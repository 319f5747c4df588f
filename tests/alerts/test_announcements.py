"""An item is announced once, ever, when it is first published: by hand or by the scheduler;
not when it is private, and never to anyone when it is back-dated by more than a week."""

import datetime

import pytest

from django.db import connection, transaction
from django.utils import timezone

from wagtail.models import PageViewRestriction

from alerts.announcements import insert
from alerts.models import Announcement, Kind
from news.models import NewsPage
from psgsite.scheduler import run_pass
from tests.alerts.conftest import days_ago, publish_new, schedule
from tests.factories import (
    AboutPageFactory,
    BriefingPageFactory,
    EventPageFactory,
    NewsPageFactory,
)

pytestmark = pytest.mark.django_db

PENDING = Announcement.Status.PENDING
BACK_DATED = Announcement.Status.BACK_DATED


def announcements():
    return list(Announcement.objects.values_list("page_id", "kind", "status", "topic_ids"))


def test_each_kind_of_item_is_announced_with_its_topics(news_index, topics):
    mining, rights = topics["Mining"], topics["Human rights"]
    story = publish_new(news_index, topics=[mining, rights])
    briefing = publish_new(news_index, BriefingPageFactory, topics=[rights])
    event = publish_new(news_index, EventPageFactory)
    assert sorted(announcements()) == sorted(
        [
            (story.pk, Kind.NEWS, PENDING, sorted([mining.pk, rights.pk])),
            (briefing.pk, Kind.BRIEFING, PENDING, [rights.pk]),
            (event.pk, Kind.EVENT, PENDING, []),
        ]
    )


def test_an_item_edited_and_republished_is_not_announced_again(news_index):
    story = publish_new(news_index, title="First title")
    first = Announcement.objects.get()
    story.title = "Second title"
    story.save_revision().publish()
    story.unpublish()
    NewsPage.objects.get(pk=story.pk).save_revision().publish()
    assert Announcement.objects.get() == first
    assert Announcement.objects.get().published_at == first.published_at


def test_a_draft_or_a_page_that_is_not_an_item_is_not_announced(home, news_index):
    NewsPageFactory(parent=news_index, live=False, date=timezone.localdate()).save_revision()
    about = AboutPageFactory(parent=home, live=False)
    about.save_revision().publish()
    assert announcements() == []


def test_an_item_back_dated_by_more_than_a_week_is_recorded_as_reaching_no_one(news_index):
    old = publish_new(news_index, date=days_ago(8))
    week = publish_new(news_index, date=days_ago(7))
    assert dict((page, status) for page, _, status, _ in announcements()) == {
        old.pk: BACK_DATED,
        week.pk: PENDING,
    }
    # Brought up to date and published again, it is still not announced.
    old.date = timezone.localdate()
    old.save_revision().publish()
    assert Announcement.objects.get(page=old).status == BACK_DATED


def test_an_event_is_back_dated_by_its_announcement_date_not_its_start(news_index):
    soon = timezone.now() + datetime.timedelta(days=30)
    event = publish_new(news_index, EventPageFactory, date=days_ago(30), start=soon)
    assert Announcement.objects.get(page=event).status == BACK_DATED


@pytest.mark.parametrize("restricted", ["page", "ancestor"])
def test_a_private_item_is_not_announced_until_it_is_published_publicly(news_index, restricted):
    page = NewsPageFactory(parent=news_index, live=False, date=timezone.localdate())
    restriction = PageViewRestriction.objects.create(
        page=page if restricted == "page" else news_index, restriction_type="login"
    )
    page.save_revision().publish()
    assert announcements() == []
    restriction.delete()
    NewsPage.objects.get(pk=page.pk).save_revision().publish()
    assert [(p, s) for p, _, s, _ in announcements()] == [(page.pk, PENDING)]


def test_an_item_scheduled_for_later_is_announced_when_the_scheduler_publishes_it(news_index):
    page = NewsPageFactory(parent=news_index, live=False, date=timezone.localdate())
    page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
    page.save_revision().publish()
    assert announcements() == []
    assert run_pass().published == []
    assert announcements() == []

    # Its time comes.
    schedule(NewsPage.objects.get(pk=page.pk))
    assert len(run_pass().published) == 1
    [announcement] = Announcement.objects.all()
    # The same pass queued its emails: there is no one to send them to.
    assert (announcement.page_id, announcement.status, announcement.recipients) == (
        page.pk,
        Announcement.Status.QUEUED,
        0,
    )
    run_pass()
    assert Announcement.objects.count() == 1


def test_a_second_publisher_finds_the_item_announced_and_its_publication_goes_on(news_index):
    """Two schedulers publishing the same item: the second's insert fails on the page's
    uniqueness inside a savepoint, and the rest of its transaction still commits."""
    page = publish_new(news_index)
    with transaction.atomic():
        duplicate = Announcement(page_id=page.pk, kind=Kind.NEWS)
        assert insert(duplicate) is False
        NewsPage.objects.filter(pk=page.pk).update(title="Still saved")
        with connection.cursor() as cursor:  # the transaction is usable
            cursor.execute("SELECT 1")
    assert NewsPage.objects.get(pk=page.pk).title == "Still saved"
    assert Announcement.objects.count() == 1
