"""Alerts reach the subscribers whose choices match, once each, through a real SMTP server:
with the item's title, date, summary and link, and links to manage or leave that work."""

import datetime
import logging
import threading
from urllib.parse import urlsplit

import pytest

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wagtail.models import PageViewRestriction

from alerts import delivery
from alerts.links import subscription_for_manage
from alerts.models import Announcement, Subscription
from membership.models import QueuedEmail
from news.models import NewsPage
from psgsite.roles import MODERATORS, set_up_roles
from psgsite.scheduler import run_pass
from tests.alerts.conftest import (
    ORGANISATION,
    days_ago,
    links,
    parsed,
    parts,
    publish_new,
    recipients,
    schedule,
    subscribe,
)
from tests.editorial import edit_form, paragraph
from tests.factories import BriefingPageFactory, EventPageFactory, NewsPageFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def readers(topics):
    """One subscriber of each kind; only some follow a plain news item on Mining."""
    return {
        "news": subscribe("news@example.org", news=True),
        "mining": subscribe("mining@example.org", topics=[topics["Mining"]]),
        "briefings": subscribe("briefings@example.org", briefings=True),
        "events": subscribe("events@example.org", events=True),
        "rights": subscribe("rights@example.org", topics=[topics["Human rights"]]),
        "unconfirmed": subscribe("unconfirmed@example.org", news=True, confirmed=False),
        "weekly": subscribe(
            "weekly@example.org", news=True, frequency=Subscription.Frequency.WEEKLY
        ),
    }


def token_of(url):
    return urlsplit(url).path.split("/")[-2]


def later(**delta):
    return timezone.now() + datetime.timedelta(**delta)


def test_an_item_published_by_hand_reaches_each_matching_subscriber_once(
    client, site_news, topics, readers, inbox, caplog
):
    set_up_roles()
    draft = NewsPageFactory(
        parent=site_news,
        live=False,
        title="Conga mine <b>suspended</b> & appealed",
        date=timezone.localdate(),
        summary="The regional court halted work at the mine.",
    )
    draft.topics.add(topics["Mining"])
    draft.save_revision()
    client.force_login(UserFactory(groups=[MODERATORS]))
    data = edit_form(client, draft, body=[paragraph("<p>The court ruled.</p>")])
    response = client.post(f"/admin/pages/{draft.pk}/edit/", {**data, "action-publish": "1"})
    assert response.status_code == 302
    client.logout()
    assert Announcement.objects.get().page_id == draft.pk

    with caplog.at_level(logging.INFO, logger="psgsite.scheduler"):
        report = run_pass()
    assert (report.alerts_queued, report.emails_sent, report.emails_failed) == (2, 2, 0)
    assert "Emails: 2 alert(s) and 0 digest(s) queued, 2 sent, 0 failed" in caplog.text
    assert recipients(inbox) == ["mining@example.org", "news@example.org"]
    assert not QueuedEmail.objects.exists()

    page = NewsPage.objects.get(pk=draft.pk)
    for message in inbox.messages:
        subscription = Subscription.objects.get(email=message["To"])
        assert message["Subject"] == "News: Conga mine <b>suspended</b> & appealed"
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert message["List-Id"] == f"{ORGANISATION} email alerts <alerts.localhost>"
        message = parsed(message)
        header = message["List-Unsubscribe"].strip()  # folded in transit: long
        assert header.startswith("<https://localhost/alerts/unsubscribe/") and header[-1] == ">"
        unsubscribe = header[1:-1]
        assert subscription_for_manage(token_of(unsubscribe)) == subscription

        text, html = parts(message)
        for body in (text, html):
            assert page.full_url in links(body)
            assert unsubscribe in links(body)
            [manage] = [url for url in links(body) if "/alerts/manage/" in url]
            assert manage.startswith("https://localhost/alerts/manage/")
            assert subscription_for_manage(token_of(manage)) == subscription
            assert "The regional court halted work at the mine." in body
            assert timezone.localdate().strftime("%-d %B %Y") in body
            assert subscription.email in body
        assert "Conga mine <b>suspended</b> & appealed" in text
        assert "Conga mine &lt;b&gt;suspended&lt;/b&gt; &amp; appealed" in html
        assert "<b>" not in html
        assert '<html lang="en-GB">' in html
        assert "Read “Conga mine &lt;b&gt;suspended&lt;/b&gt; &amp; appealed” on our" in html
        why = "topic Mining" if subscription.email.startswith("mining") else "all news and"
        assert why in text and why in html
        assert ORGANISATION in text and ORGANISATION in html

    # The link leads to the item.
    response = client.get(urlsplit(page.full_url).path, HTTP_HOST="localhost", secure=True)
    assert response.status_code == 200
    assert "Conga mine &lt;b&gt;suspended&lt;/b&gt;" in response.content.decode()

    # Edited and republished: not announced again.
    page.title = "Conga mine suspended"
    page.save_revision().publish()
    run_pass()
    run_pass(now=later(days=1))
    assert len(inbox.messages) == 2


def test_a_scheduled_briefing_goes_out_when_the_scheduler_publishes_it_and_only_once(
    site_news, topics, readers, inbox
):
    page = BriefingPageFactory(parent=site_news, live=False, date=timezone.localdate())
    page.topics.add(topics["Human rights"])
    schedule(page)
    report = run_pass()
    assert len(report.published) == 1
    assert (report.alerts_queued, report.emails_sent) == (3, 3)
    assert recipients(inbox) == [
        "briefings@example.org",
        "news@example.org",
        "rights@example.org",
    ]
    assert {message["Subject"] for message in inbox.messages} == {
        f"Briefing {page.issue_number}: {page.title}"
    }
    # A second pass, or a second scheduler, sends nothing more.
    again = run_pass()
    assert (again.alerts_queued, again.emails_sent) == (0, 0)
    assert len(inbox.messages) == 3
    announcement = Announcement.objects.get()
    assert (announcement.status, announcement.recipients) == (Announcement.Status.QUEUED, 3)


def test_an_event_reaches_event_followers_and_followers_of_its_topics(
    site_news, topics, readers, inbox
):
    start = timezone.make_aware(datetime.datetime(2027, 3, 14, 18, 30))
    publish_new(site_news, EventPageFactory, topics=[topics["Mining"]], start=start)
    run_pass()
    assert recipients(inbox) == ["events@example.org", "mining@example.org"]
    text, html = parts(inbox.messages[0])
    assert "Sunday 14 March 2027, 18:30 (UK time)" in text
    assert "Event: " in inbox.messages[0]["Subject"]


def test_back_dated_private_and_withdrawn_items_reach_no_one(site_news, readers, inbox):
    publish_new(site_news, date=days_ago(8))
    private = NewsPageFactory(parent=site_news, live=False, date=timezone.localdate())
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    private.save_revision().publish()
    withdrawn = publish_new(site_news, title="Published by mistake")
    withdrawn.unpublish()
    publish_new(site_news, title="Deleted at once").delete()
    report = run_pass()
    assert (report.alerts_queued, report.emails_sent) == (0, 0)
    assert inbox.messages == []
    # The withdrawn item was never announced, so publishing it again announces it.
    assert list(Announcement.objects.values_list("status", flat=True)) == [
        Announcement.Status.BACK_DATED
    ]
    NewsPage.objects.get(pk=withdrawn.pk).save_revision().publish()
    run_pass()
    assert recipients(inbox) == ["news@example.org"]


def test_weekly_subscribers_get_one_digest_of_what_they_follow(site_news, topics, inbox):
    weekly = Subscription.Frequency.WEEKLY
    mining = subscribe("mining@example.org", topics=[topics["Mining"]], frequency=weekly)
    subscribe("events@example.org", events=True, frequency=weekly)
    everything = subscribe("all@example.org", news=True, events=True, frequency=weekly)
    story = publish_new(site_news, title="Conga mine", topics=[topics["Mining"]])
    event = publish_new(site_news, EventPageFactory, title="Annual conference")
    publish_new(site_news, title="Imported old item", topics=[topics["Mining"]], date=days_ago(30))
    gone = publish_new(site_news, title="Withdrawn story", topics=[topics["Mining"]])
    gone.unpublish()

    # Nothing goes at once to a weekly subscriber.
    assert run_pass().emails_sent == 0
    assert inbox.messages == []

    week = everything.next_digest_at + datetime.timedelta(minutes=1)
    report = run_pass(now=week)
    assert (report.digests_queued, report.emails_sent) == (3, 3)
    digests = {message["To"]: message for message in inbox.messages}
    assert sorted(digests) == ["all@example.org", "events@example.org", "mining@example.org"]
    expected = {
        "all@example.org": ["Conga mine", "Annual conference"],
        "events@example.org": ["Annual conference"],
        "mining@example.org": ["Conga mine"],
    }
    for address, titles in expected.items():
        message = digests[address]
        noun = "item" if len(titles) == 1 else "items"
        assert message["Subject"] == (
            f"Your weekly digest from the {ORGANISATION}: {len(titles)} new {noun}"
        )
        assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        text, html = parts(message)
        for body in (text, html):
            for title in ("Conga mine", "Annual conference"):
                assert (title in body) == (title in titles)
            assert "Imported old item" not in body and "Withdrawn story" not in body
    text, html = parts(digests["mining@example.org"])
    assert story.full_url in links(text) and story.full_url in links(html)
    assert event.full_url not in links(text)
    assert "because you follow the topic Mining" in text
    assert "or an email for each item instead" in text and "or an email for each" in html
    assert "weekly digest instead" not in text + html

    # The week moves on: the next pass sends nothing, nor the next week with nothing new.
    mining.refresh_from_db()
    assert mining.digest_from == week
    assert mining.next_digest_at > week
    assert run_pass(now=week + datetime.timedelta(minutes=1)).digests_queued == 0
    next_week = mining.next_digest_at + datetime.timedelta(minutes=1)
    assert run_pass(now=next_week).digests_queued == 0
    assert len(inbox.messages) == 3
    mining.refresh_from_db()
    assert mining.next_digest_at > next_week


def test_unconfirmed_subscribers_get_no_digest(site_news, inbox):
    subscribe(
        "later@example.org",
        news=True,
        confirmed=False,
        frequency=Subscription.Frequency.WEEKLY,
    )
    publish_new(site_news)
    assert run_pass(now=later(days=8)).digests_queued == 0
    assert inbox.messages == []


def test_when_the_mail_server_is_down_the_alerts_wait_and_go_later(
    site_news, readers, mail_server, caplog
):
    publish_new(site_news)
    with caplog.at_level(logging.ERROR, logger="membership.emails"):
        report = run_pass()
    assert (report.alerts_queued, report.emails_sent, report.emails_failed) == (1, 0, 1)
    [queued] = QueuedEmail.objects.all()
    assert queued.attempts == 1 and "ConnectionRefusedError" in queued.last_error
    assert queued.next_attempt_at > timezone.now()
    assert "news@example.org" not in caplog.text

    inbox = mail_server()
    assert run_pass().emails_sent == 0  # not due yet: it waits its turn
    report = run_pass(now=later(minutes=2))
    assert (report.alerts_queued, report.emails_sent) == (0, 1)
    assert recipients(inbox) == ["news@example.org"]
    assert not QueuedEmail.objects.exists()


def test_queueing_takes_the_same_queries_for_each_chunk_however_large(site_news, topics):
    """Queries per chunk: lock the announcement, read the subscribers and the topics they
    follow, insert their emails, record the progress; and here, inside the test's own
    transaction, a savepoint and its release. A last, empty chunk reads and records only."""
    for n in range(12):
        subscribe(f"reader{n}@example.org", topics=[topics["Mining"]], news=n % 2 == 0)

    def queue_in_chunks(chunk_size):
        page = publish_new(site_news, topics=[topics["Mining"]])
        announcement = Announcement.objects.get(page=page)
        sender = delivery.Sender(page.get_site())
        rendered = delivery.render_alert(page, announcement, sender)
        names = {topics["Mining"].pk: "Mining"}
        chunks = []
        while True:
            with CaptureQueriesContext(connection) as queries:
                queued, done = delivery.queue_chunk(
                    announcement.pk, rendered, sender, names, timezone.now(), chunk_size
                )
            chunks.append((queued, len(queries)))
            if done:
                return chunks

    assert queue_in_chunks(3) == [(3, 7), (3, 7), (3, 7), (3, 7), (0, 5)]
    assert queue_in_chunks(10) == [(10, 7), (2, 7)]
    assert QueuedEmail.objects.count() == 24
    assert set(Announcement.objects.values_list("status", "recipients")) == {
        (Announcement.Status.QUEUED, 12)
    }
    assert len({tuple(to) for to in QueuedEmail.objects.values_list("to", flat=True)}) == 12


@pytest.mark.django_db(transaction=True)
def test_two_schedulers_queueing_at_once_queue_each_subscriber_once(site_news):
    """Each chunk is queued under the announcement's row lock: two schedulers (threads, each
    with its own database connection) share the chunks between them and repeat none."""
    for n in range(23):
        subscribe(f"reader{n}@example.org", news=True)
    publish_new(site_news)
    barrier = threading.Barrier(2)
    results, errors = [], []

    def scheduler():
        try:
            barrier.wait(timeout=10)
            results.append(delivery.queue_pending_announcements(chunk_size=2))
        except Exception as error:  # reported below, in the test's own thread
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=scheduler) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    assert sum(results) == 23
    addresses = [to for [to] in QueuedEmail.objects.values_list("to", flat=True)]
    assert sorted(addresses) == sorted(f"reader{n}@example.org" for n in range(23))
    announcement = Announcement.objects.get()
    assert (announcement.status, announcement.recipients) == (Announcement.Status.QUEUED, 23)


def test_digests_take_the_same_queries_for_each_batch_however_large(site_news, topics):
    weekly = Subscription.Frequency.WEEKLY
    for n in range(6):
        subscribe(
            f"reader{n}@example.org",
            topics=[topics["Mining"]] if n % 3 else [],
            news=n % 3 == 0,
            events=n % 2 == 0,
            frequency=weekly,
        )
    publish_new(site_news, topics=[topics["Mining"]])
    publish_new(site_news, EventPageFactory)
    publish_new(site_news, BriefingPageFactory)
    now = later(days=8)

    def queries_for(batch_size):
        Subscription.objects.update(
            digest_from=now - datetime.timedelta(days=9), next_digest_at=now
        )
        QueuedEmail.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            assert delivery.queue_due_digests(now, batch_size=batch_size) == 6
        return len(queries)

    queries_for(6)  # the first also caches the site's root paths, as a running site has them
    one_batch, two_batches, three_batches = queries_for(6), queries_for(3), queries_for(2)
    per_batch = two_batches - one_batch
    assert three_batches - two_batches == per_batch
    # Lock and read the batch, their topics, the items (two queries), insert, move the week on
    # (two); and the test transaction's savepoint and its release.
    assert per_batch == 9


def test_an_announcement_that_cannot_be_queued_holds_up_none_of_the_others(
    site_news, readers, inbox, caplog
):
    broken = publish_new(site_news, title="Broken")
    publish_new(site_news, title="Fine")
    # A row the code cannot read: its topics are not ids.
    Announcement.objects.filter(page=broken).update(topic_ids=["not an id"])
    with caplog.at_level(logging.ERROR, logger="alerts.delivery"):
        report = run_pass()
    assert (report.alerts_queued, report.emails_sent) == (1, 1)
    assert [message["Subject"] for message in inbox.messages] == ["News: Fine"]
    assert "Could not queue the alerts of announcement" in caplog.text
    assert Announcement.objects.get(page=broken).status == Announcement.Status.PENDING
