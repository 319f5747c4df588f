"""Scheduled publishing: due revisions go live, expired pages come down, exactly once each,
whatever fails and however many schedulers run."""

import datetime
import logging
import subprocess

import pytest

from django.utils import timezone

from wagtail.models import PageLogEntry

from news.models import NewsPage
from psgsite.scheduler import run_pass
from tests.conftest import manage_py, wait_until
from tests.factories import NewsPageFactory


def schedule(page, minutes_ago=1, **changes):
    """A revision approved to go live `minutes_ago`, as if its time had just come."""
    when = timezone.now() - datetime.timedelta(minutes=minutes_ago)
    for name, value in changes.items():
        setattr(page, name, value)
    page.go_live_at = when
    return page.save_revision(approved_go_live_at=when, clean=False)


def draft(news_index, **fields):
    page = NewsPageFactory(parent=news_index, **fields)
    page.unpublish()
    return NewsPage.objects.get(pk=page.pk)


def scheduled_publications(page):
    return PageLogEntry.objects.filter(page=page, action="wagtail.publish.scheduled").count()


@pytest.mark.django_db
class TestPass:
    def test_publishes_a_due_revision_once_and_logs_it(self, news_index, caplog):
        page = draft(news_index, title="Embargoed briefing")
        revision = schedule(page)
        with caplog.at_level(logging.INFO, logger="psgsite.scheduler"):
            report = run_pass()
        page.refresh_from_db()
        assert page.live
        assert page.live_revision == revision
        assert report.published == [revision]
        assert 'Published news item "Embargoed briefing"' in caplog.text
        assert run_pass().published == []
        assert scheduled_publications(page) == 1

    def test_leaves_a_revision_that_is_not_due(self, news_index):
        page = draft(news_index)
        page.go_live_at = timezone.now() + datetime.timedelta(hours=1)
        page.save_revision().publish()
        assert run_pass().published == []
        page.refresh_from_db()
        assert not page.live

    def test_unpublishes_an_expired_page_and_logs_it(self, news_index, caplog):
        page = NewsPageFactory(parent=news_index, title="Old appeal")
        NewsPage.objects.filter(pk=page.pk).update(
            expire_at=timezone.now() - datetime.timedelta(minutes=1)
        )
        with caplog.at_level(logging.INFO, logger="psgsite.scheduler"):
            report = run_pass()
        page.refresh_from_db()
        assert not page.live and page.expired
        assert [p.pk for p in report.unpublished] == [page.pk]
        assert 'Unpublished news item "Old appeal"' in caplog.text
        assert (
            PageLogEntry.objects.filter(page=page, action="wagtail.unpublish.scheduled").count()
            == 1
        )

    def test_one_failure_is_logged_and_the_rest_still_publish(self, news_index, caplog):
        NewsPageFactory(parent=news_index, slug="taken")
        clashing = draft(news_index, title="Clashing", slug="clashing")
        fine = draft(news_index, title="Fine")
        # The slug was free when the editor scheduled it and is taken by the time it is due.
        broken = schedule(clashing, minutes_ago=2, slug="taken")
        good = schedule(fine, minutes_ago=1)
        with caplog.at_level(logging.INFO, logger="psgsite.scheduler"):
            report = run_pass()
        assert report.published == [good]
        assert [pk for _, pk in report.failed] == [broken.pk]
        assert f"Could not publish scheduled revision {broken.pk}" in caplog.text
        clashing.refresh_from_db()
        fine.refresh_from_db()
        assert fine.live and not clashing.live
        assert clashing.slug == "clashing"  # nothing half-stored


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_at_once_publish_each_revision_exactly_once(news_index):
    pages = [draft(news_index, title=f"Due {n}") for n in range(12)]
    for page in pages:
        schedule(page)
    runs = [subprocess.Popen(**manage_py("run_scheduler", "--once")) for _ in range(2)]
    results = [run.communicate(timeout=120) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], results
    assert all("failed" not in stderr for _, stderr in results), results
    for page in pages:
        page.refresh_from_db()
        assert page.live, page.title
        assert scheduled_publications(page) == 1, page.title
    # Each process logs what it published (on stderr under the test settings).
    published = sum(err.count("INFO psgsite.scheduler Published news item") for _, err in results)
    assert published == len(pages)


def test_the_scheduler_process_publishes_on_time_and_takes_pages_down(
    scheduler, news_index, client
):
    page = draft(news_index, title="Goes live soon")
    page.go_live_at = timezone.now() + datetime.timedelta(seconds=2)
    page.save_revision().publish()
    assert client.get(page.url).status_code == 404
    assert wait_until(lambda: NewsPage.objects.get(pk=page.pk).live)
    assert client.get(page.url).status_code == 200
    assert "Goes live soon" in client.get(news_index.url).content.decode()

    NewsPage.objects.filter(pk=page.pk).update(expire_at=timezone.now())
    assert wait_until(lambda: not NewsPage.objects.get(pk=page.pk).live)
    assert client.get(page.url).status_code == 404
    assert "Goes live soon" not in client.get(news_index.url).content.decode()
