"""Uncached, the join page costs as many queries with many membership types as with one, and
with many registrations of interest as with none; so does the thank-you page."""

import pytest

from django.utils import timezone

from membership.models import InterestRegistration
from tests.factories import MembershipTypeFactory
from tests.query_counts import queries_for

pytestmark = pytest.mark.django_db


def test_the_application_form_costs_the_same_with_more_types(client, join_page):
    MembershipTypeFactory(name="Individual")
    with_one = queries_for(client, join_page.url)
    for n in range(6):
        MembershipTypeFactory(name=f"Type {n}", description=f"For group {n}.")
    assert queries_for(client, join_page.url) == with_one


def test_the_interest_form_costs_the_same_however_many_have_registered(client, join_page):
    urls = [join_page.url, f"{join_page.url}interest/thanks/"]
    with_none = [queries_for(client, url) for url in urls]
    InterestRegistration.objects.bulk_create(
        InterestRegistration(
            full_name=f"Person {n}", email=f"p{n}@example.org", registered_at=timezone.now()
        )
        for n in range(30)
    )
    assert [queries_for(client, url) for url in urls] == with_none
