"""An unconfirmed subscription is kept 30 days, as long as its confirmation link works, and then
deleted; a confirmed one stays until the reader leaves."""

import logging
import subprocess

from django.core.management import call_command
from django.utils import timezone

from alerts.models import UNCONFIRMED_FOR, Subscription
from alerts.retention import apply_retention
from news.models import Topic
from tests.alerts.subscribers import days_ago
from tests.conftest import manage_py, wait_until


def subscription(email, made, confirmed=None, sent=None, now=None):
    return Subscription.objects.create(
        email=email,
        news=True,
        created_at=days_ago(made, now),
        confirmed_at=days_ago(confirmed, now) if confirmed is not None else None,
        confirmation_sent_at=days_ago(sent, now) if sent is not None else None,
    )


def test_unconfirmed_subscriptions_go_after_30_days_and_confirmed_ones_stay(db, caplog):
    assert UNCONFIRMED_FOR.days == 30
    now = timezone.now()
    mining = Topic.objects.create(name="Mining", slug="mining")
    young = subscription("young@example.org", 29, sent=29, now=now)
    old = subscription("old@example.org", 31, sent=31, now=now)
    old.topics.set([mining])
    subscription("never-sent@example.org", 31, now=now)
    confirmed = subscription("reader@example.org", 400, confirmed=399, sent=400, now=now)
    with caplog.at_level(logging.INFO, logger="alerts.retention"):
        report = apply_retention(now=now)
    assert report.deleted == 2
    assert set(Subscription.objects.all()) == {young, confirmed}
    # The topic the deleted one followed stays.
    assert list(Topic.objects.all()) == [mining]
    assert [record.getMessage() for record in caplog.records] == [
        "Retention: Deleted 2 email alert subscription(s) left unconfirmed since before "
        f"{timezone.localtime(now - UNCONFIRMED_FOR):%Y-%m-%d %H:%M}."
    ]
    # Run again, nothing more goes.
    assert apply_retention(now=now).deleted == 0
    assert set(Subscription.objects.all()) == {young, confirmed}


def test_a_confirmation_sent_again_lately_keeps_its_link_working(db):
    """Its link lasts 30 days from when it was sent (alerts/links.py)."""
    now = timezone.now()
    again = subscription("again@example.org", 40, sent=5, now=now)
    assert apply_retention(now=now).deleted == 0
    assert list(Subscription.objects.all()) == [again]
    assert apply_retention(now=now + UNCONFIRMED_FOR).deleted == 1


def test_the_apply_retention_command_applies_every_apps_retention(db, capsys):
    subscription("old@example.org", 31)
    subscription("young@example.org", 29)
    call_command("apply_retention")
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("Anonymised 0 application(s)")
    assert out[1].startswith("Deleted 1 email alert subscription(s) left unconfirmed")
    assert list(Subscription.objects.values_list("email", flat=True)) == ["young@example.org"]


def test_the_scheduler_deletes_them_when_it_starts_and_daily_after(transactional_db):
    old = subscription("old@example.org", 31)
    young = subscription("young@example.org", 29)
    process = subprocess.Popen(**manage_py("run_scheduler", "--interval", "1"))
    try:
        assert wait_until(lambda: not Subscription.objects.filter(pk=old.pk).exists())
    finally:
        process.terminate()
        out, err = process.communicate(timeout=10)
    assert "INFO alerts.retention Retention: Deleted 1 email alert subscription(s)" in err
    assert list(Subscription.objects.all()) == [young]
