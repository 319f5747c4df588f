"""Scaling out: several identical app servers behind a load balancer share one PostgreSQL and
one Redis, so whichever server a visitor reaches shows the same site, and a scheduler beside
each server publishes every due revision once."""

import datetime
import json
import subprocess
import sys
import threading
import time

import pytest
import redis

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone
from django.utils.html import escape

from wagtail.models import PageLogEntry, Site
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from news.models import NewsIndexPage, NewsPage
from psgsite.roles import MODERATORS, set_up_roles
from tests.conftest import load_site_content, wait_until
from tests.factories import NewsPageFactory
from tests.forms import form_data
from tests.psgsite.conftest import log_in, production_env, staff
from tests.psgsite.web_client import WebClient

# A Redis database of these tests' own, emptied before and after each test.
REDIS_URL = "redis://127.0.0.1:6379/14"  # test_production.py has 13

on_postgresql = pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="Several app servers share one PostgreSQL server; SQLite is a file on one machine, "
    "for a single server (run with DATABASE_URL=postgres://...)",
)


@pytest.fixture
def shared_redis():
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.ConnectionError as error:
        pytest.fail(f"These tests need the Redis server of REDIS_URL {REDIS_URL}: {error}")
    client.flushdb()
    yield client
    client.flushdb()
    client.close()


@pytest.fixture
def two_servers(start_production_server, shared_redis):
    """Two app servers, as two machines behind the load balancer run them: the same settings,
    the same database and the same Redis."""
    load_site_content()
    return start_production_server(REDIS_URL=REDIS_URL), start_production_server(
        REDIS_URL=REDIS_URL
    )


def moderator():
    set_up_roles()
    return staff("mo", groups=[MODERATORS])


def publish(client, server, page, *, title, text, form_server=None):
    """Edits a page and publishes it through the admin's edit form. The form can come from
    another server than the one it is posted to, as the load balancer pleases."""
    url = f"/admin/pages/{page.pk}/edit/"
    form = client.get((form_server or server).url + url)
    assert form.status == 200, form.status
    data = form_data(form.text, form_id="page-edit-form")
    # The body's blocks are built by the admin's JavaScript: the editor's are given here.
    data.update(nested_form_data({"body": streamfield([("paragraph", rich_text(text))])}))
    data["title"] = title
    data["action-publish"] = "action-publish"
    response = client.post(server.url + url, data.urlencode())
    assert response.status == 302, response.text


def unpublish(client, server, page):
    url = f"/admin/pages/{page.pk}/unpublish/"
    confirm = client.get(server.url + url)
    assert confirm.status == 200, confirm.status
    response = client.post(server.url + url, form_data(confirm.text, action=url).urlencode())
    assert response.status == 302, response.text


def shows(response, text):
    return escape(text) in response.text or text in response.text


def newest_news_item():
    index = NewsIndexPage.objects.get()
    return next(item.specific for item in index.news_items() if isinstance(item.specific, NewsPage))


@on_postgresql
def test_an_edit_published_on_one_server_is_served_by_the_other_at_once(two_servers):
    a, b = two_servers
    story = newest_news_item()
    editor, user = WebClient(), moderator()
    log_in(editor, a, user)

    # A reader of server B has the home page, the index, the story and the feed as they were,
    # from the page cache the servers share. Readers reach both by the site's one host name.
    reader = WebClient(host="localhost")
    for path in ("/", "/news/", story.url, "/news/feed/rss/"):
        assert shows(reader.get(a.url + path), story.title), path
        response = reader.get(b.url + path)
        assert shows(response, story.title), path
        assert response.headers["X-Cache"] == "hit", path

    publish(editor, a, story, title="Mining consultation: new dates", text="<p>Fresh text.</p>")
    for path in ("/", "/news/", story.url, "/news/feed/rss/"):
        response = reader.get(b.url + path)
        assert response.status == 200, path
        assert shows(response, "Mining consultation: new dates"), path
        assert not shows(response, story.title), path
    assert "Fresh text." in reader.get(b.url + story.url).text
    assert PageLogEntry.objects.filter(page=story, action="wagtail.publish", user=user).count() == 1

    unpublish(editor, a, story)
    assert reader.get(b.url + story.url).status == 404
    for path in ("/", "/news/", "/news/feed/rss/"):
        response = reader.get(b.url + path)
        assert response.status == 200, path
        assert not shows(response, "Mining consultation: new dates"), path


@on_postgresql
def test_a_login_on_one_server_holds_on_the_other(two_servers):
    a, b = two_servers
    story = newest_news_item()
    visitor = WebClient()
    response = visitor.get(b.url + "/admin/")
    assert response.status == 302 and response.location.startswith("/admin/login/")

    editor = WebClient()
    log_in(editor, a, moderator())
    dashboard = editor.get(b.url + "/admin/")
    assert dashboard.status == 200, "B sent the editor to log in again"
    # The form from B, posted to A with the CSRF cookie that A set: one site to the editor.
    publish(editor, a, story, title="Edited across servers", text="<p>Text.</p>", form_server=b)
    assert NewsPage.objects.get(pk=story.pk).title == "Edited across servers"

    # The sidebar's log-out button posts the page's CSRF token; the cookie's secret is as good.
    response = editor.post(
        a.url + "/admin/logout/", {"csrfmiddlewaretoken": editor.cookies["csrftoken"]}
    )
    assert response.status == 302, response.status
    assert editor.get(b.url + "/admin/").status == 302, "a session ended on A still works on B"


@on_postgresql
def test_a_change_to_the_site_made_on_one_server_holds_on_the_other_at_once(two_servers):
    """Each server caches the site's address and home page (Wagtail's site root paths), from
    which the feeds' and canonical links are made. In the shared Redis, the change saved through
    A's admin clears it for B too; in a cache of each process's own (no REDIS_URL), B would
    keep the old address for up to an hour."""
    a, b = two_servers
    reader = WebClient(host="localhost")
    assert "http://testserver/news/" in reader.get(a.url + "/news/feed/rss/").text
    assert reader.get(b.url + "/news/feed/rss/").headers["X-Cache"] == "hit"

    admin = WebClient()
    log_in(admin, a, staff("admin", is_superuser=True))
    url = f"/admin/sites/edit/{Site.objects.get(is_default_site=True).pk}/"
    data = form_data(admin.get(a.url + url).text, form_id="w-editor-form")
    data["hostname"], data["port"] = "www.perusupportgroup.org.uk", "443"
    response = admin.post(a.url + url, data.urlencode())
    assert response.status == 302, response.text

    feed = reader.get(b.url + "/news/feed/rss/").text
    assert "https://www.perusupportgroup.org.uk/news/" in feed
    assert "testserver" not in feed


# Two schedulers -------------------------------------------------------------------------------


class Scheduler:
    """`run_scheduler` as the Procfile runs it beside each app server, with production
    settings; a thread gathers what it writes."""

    def __init__(self, **env):
        self.process = subprocess.Popen(
            [
                *(sys.executable, str(settings.BASE_DIR / "manage.py")),
                *("run_scheduler", "--interval", "1"),
            ],
            env=production_env(PYTHONUNBUFFERED="1", **env),
            cwd=settings.BASE_DIR,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines = []
        self.reader = threading.Thread(target=self.lines.extend, args=(self.process.stdout,))
        self.reader.start()

    def count(self, prefix):
        """How many of its log records say something starting with prefix."""
        return sum(
            json.loads(line)["message"].startswith(prefix)
            for line in self.lines
            if line.startswith("{")
        )

    def stop(self):
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.reader.join(timeout=15)


def test_two_long_running_schedulers_publish_and_unpublish_each_item_once(
    transactional_db, news_index
):
    """A scheduler beside each of two servers, polling every second: items that fall due
    together are taken by one or the other, never both, and neither stops. There are enough
    for a pass to outlast the interval, so that the two are at work at once and one waits for
    the other's lock. (test_scheduler.py runs two single passes with the test settings.)"""
    drafts = []
    for n in range(40):
        page = NewsPageFactory(parent=news_index, title=f"Embargoed {n}")
        page.unpublish()
        drafts.append(NewsPage.objects.get(pk=page.pk))
    expiring = [NewsPageFactory(parent=news_index, title=f"Expiring {n}") for n in range(4)]

    schedulers = [Scheduler(), Scheduler()]
    try:
        assert wait_until(lambda: all(s.count("Scheduler started") for s in schedulers), 60)
        # Due in a moment, all at once, while both schedulers are polling.
        due = timezone.now() + datetime.timedelta(seconds=1)
        with transaction.atomic():
            revisions = {}
            for page in drafts:
                page.go_live_at = due
                revisions[page.pk] = page.save_revision(approved_go_live_at=due, clean=False)
            NewsPage.objects.filter(pk__in=[p.pk for p in expiring]).update(expire_at=due)

        waits = []

        def all_done():
            waits.append(lock_waits())
            return NewsPage.objects.filter(pk__in=revisions, live=True).count() == len(
                drafts
            ) and not NewsPage.objects.filter(pk__in=[p.pk for p in expiring], live=True)

        assert wait_until(all_done, timeout=60, step=0.02)
        # Two more passes each, in which there must be nothing left to do.
        time.sleep(2.5)
        assert [s.process.poll() for s in schedulers] == [None, None], "a scheduler stopped"
    finally:
        for process in schedulers:
            process.stop()

    for page in drafts:
        page.refresh_from_db()
        assert page.live and page.live_revision_id == revisions[page.pk].pk, page.title
        assert not page.revisions.filter(approved_go_live_at__isnull=False).exists()
        assert scheduled(page, "wagtail.publish.scheduled") == 1, page.title
    for page in expiring:
        page.refresh_from_db()
        assert not page.live and page.expired, page.title
        assert scheduled(page, "wagtail.unpublish.scheduled") == 1, page.title

    # Each scheduler logs what it did.
    published = [s.count("Published news item") for s in schedulers]
    assert sum(published) == len(drafts), published
    if connection.vendor == "postgresql":
        # The two met: one waited for the other's lock on an item. (Either may still have done
        # every item: the one that waits finds the item done, then meets the other at the next.)
        assert any(waits), "the schedulers never waited for each other: they did not meet"
    assert sum(s.count("Unpublished news item") for s in schedulers) == len(expiring)
    lines = [line for s in schedulers for line in s.lines]
    assert not [line for line in lines if '"level": "ERROR"' in line or "failed" in line], lines


def lock_waits():
    """How many connections to the database wait for a lock (PostgreSQL): here, a scheduler
    waiting for the other to finish with an item."""
    if connection.vendor != "postgresql":
        return 0
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity "
            "WHERE datname = current_database() AND wait_event_type = 'Lock'"
        )
        return cursor.fetchone()[0]


def scheduled(page, action):
    return PageLogEntry.objects.filter(page=page, action=action).count()
