"""Two requests subscribing one address at the same moment still make one subscription: the
database's unique index on the address, in any capitals, decides, and the loser updates the
winner's row."""

import threading

import psycopg
import pytest

from django.conf import settings
from django.db import connection

from alerts.models import Subscription
from alerts.signup import Outcome, subscribe
from tests.conftest import test_database_url as database_url
from tests.conftest import wait_until


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql",
    reason="Holds an uncommitted row from a second PostgreSQL connection",
)
@pytest.mark.django_db(transaction=True)
def test_an_address_subscribed_by_two_requests_at_once_is_one_subscription(news_site):
    water = news_site["topics"]["water"]
    choices = {"news": False, "briefings": True, "events": False, "frequency": "weekly"}
    first = psycopg.connect(database_url(), autocommit=False)
    watcher = psycopg.connect(database_url(), autocommit=True)
    result = {}

    def second_request():
        try:
            result["answer"] = subscribe("ana@example.org", {**choices, "topics": [water]})
        finally:
            connection.close()

    try:
        # The first request has stored its row but not yet committed.
        first.execute(
            "INSERT INTO alerts_subscription (email, key, news, briefings, events, frequency, "
            "language, created_at) VALUES ('Ana@Example.org', 'first-key', true, false, false, "
            "'immediate', 'en-gb', now())"
        )
        thread = threading.Thread(target=second_request)
        thread.start()

        def second_waits_for_the_first():
            row = watcher.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock'"
            ).fetchone()
            return row[0] == 1

        assert wait_until(second_waits_for_the_first, timeout=30)
        first.commit()
        thread.join(timeout=30)
        assert not thread.is_alive()
    finally:
        first.close()
        watcher.close()

    subscription, outcome, emails = result["answer"]
    assert outcome == Outcome.UPDATED
    [stored] = Subscription.objects.all()
    assert stored.pk == subscription.pk and stored.key == "first-key"
    assert (stored.news, stored.briefings, stored.frequency) == (False, True, "weekly")
    assert list(stored.topics.all()) == [water]
    assert len(emails) == 1 and emails[0].to == ["ana@example.org"]
