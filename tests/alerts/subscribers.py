"""Readers who follow the site by email, in each state staff meet them, for the staff tests."""

import datetime

from django.utils import timezone

from alerts.models import Subscription
from news.models import Topic


def days_ago(days, now=None):
    return (now or timezone.now()) - datetime.timedelta(days=days)


def make_subscribers():
    """Topics Mining and Water; Ana follows all news each time, confirmed; Ben follows briefings
    and Mining weekly, in Spanish, confirmed; Cy follows events and Water, confirmed; Dee follows
    Mining and has not confirmed."""
    mining = Topic.objects.create(name="Mining", slug="mining")
    water = Topic.objects.create(name="Water", slug="water")
    weekly = Subscription.Frequency.WEEKLY
    ana = Subscription.objects.create(
        email="ana@example.org", news=True, created_at=days_ago(40), confirmed_at=days_ago(39)
    )
    ben = Subscription.objects.create(
        email="Ben@Example.org",
        briefings=True,
        frequency=weekly,
        language="es",
        created_at=days_ago(20),
        confirmed_at=days_ago(19),
    )
    ben.topics.set([mining])
    cy = Subscription.objects.create(
        email="cy@example.net", events=True, created_at=days_ago(10), confirmed_at=days_ago(10)
    )
    cy.topics.set([water])
    dee = Subscription.objects.create(email="dee@example.org", created_at=days_ago(2))
    dee.topics.set([mining])
    return {
        "mining": mining,
        "water": water,
        "ana": ana,
        "ben": ben,
        "cy": cy,
        "dee": dee,
    }
