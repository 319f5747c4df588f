"""Leaving: a page with one button, and the one-click POST (RFC 8058) that mail providers send
with no cookie and no CSRF token, which deletes the subscription and the alerts waiting for it."""

import re

import pytest

from django.test import Client

from alerts import links
from alerts.models import Subscription
from membership.models import QueuedEmail
from tests.alerts.conftest import signed_long_ago

pytestmark = pytest.mark.django_db

ONE_CLICK = "List-Unsubscribe=One-Click"


@pytest.fixture
def subscription(news_site):
    subscription = Subscription.objects.create(email="ana@example.org", news=True)
    subscription.confirm()
    return subscription


@pytest.fixture
def provider():
    """A mail provider's one-click request: no cookie, no CSRF token, and the check made."""
    return Client(enforce_csrf_checks=True)


def path(subscription):
    return links.unsubscribe_url(subscription).removeprefix("http://localhost")


def queue(to, **headers):
    return QueuedEmail.objects.create(to=[to], subject="An alert", body="...", headers=headers)


def one_click(client, url):
    return client.post(url, ONE_CLICK, content_type="application/x-www-form-urlencoded")


def test_the_page_shows_one_button_and_deletes_nothing(client, subscription):
    response = client.get(path(subscription))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Stop all our email alerts to ana@example.org." in page
    assert page.count("<form") == 1 + page.count('class="header-search"')
    assert '<button type="submit" class="button">Unsubscribe</button>' in page
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_one_click_deletes_the_subscription_and_the_alerts_waiting_for_it(provider, subscription):
    unsubscribe = f"<{links.unsubscribe_url(subscription)}>"
    waiting_alert = queue("ana@example.org", **{"List-Unsubscribe": unsubscribe})
    membership_email = queue("ana@example.org")  # an application's: not an alert
    someone_elses = queue("bea@example.org", **{"List-Unsubscribe": "<https://x.example/u/>"})

    response = one_click(provider, path(subscription))
    assert response.status_code == 200
    assert "You have unsubscribed" in response.content.decode()
    assert response["Cache-Control"] == "private, no-store"
    assert not Subscription.objects.exists()
    remaining = set(QueuedEmail.objects.values_list("pk", flat=True))
    assert remaining == {membership_email.pk, someone_elses.pk}
    assert waiting_alert.pk not in remaining


def test_a_repeated_one_click_is_answered_alike(provider, subscription):
    url = path(subscription)
    assert one_click(provider, url).status_code == 200
    again = one_click(provider, url)
    assert again.status_code == 200
    assert "You have unsubscribed" in again.content.decode()


def test_the_button_on_the_page_unsubscribes_without_a_csrf_token(provider, subscription):
    page = provider.get(path(subscription)).content.decode()
    assert "csrfmiddlewaretoken" not in page
    assert provider.post(path(subscription), {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert not Subscription.objects.exists()


def test_the_page_of_a_cancelled_subscription_says_so(client, subscription):
    url = path(subscription)
    manage = links.manage_url(subscription).removeprefix("http://localhost")
    subscription.delete()
    page = client.get(url)
    assert page.status_code == 200
    assert "You are not subscribed" in page.content.decode()
    # Its manage link died with it.
    assert client.get(manage).status_code == 404


def test_an_old_unsubscribe_link_still_works(provider, subscription):
    token = signed_long_ago(subscription.key, links.MANAGE_SALT, days=5 * 365)
    assert one_click(provider, f"/alerts/unsubscribe/{token}/").status_code == 200
    assert not Subscription.objects.exists()


@pytest.mark.parametrize("case", ["garbage", "tampered", "a confirm token", "empty-ish"])
def test_a_link_that_is_not_ours_is_refused(provider, subscription, case):
    token = links.manage_token(subscription)
    token = {
        "garbage": "nonsense",
        "tampered": token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "a confirm token": links.confirm_token(subscription),
        "empty-ish": ":",
    }[case]
    url = f"/alerts/unsubscribe/{token}/"
    for response in (provider.get(url), one_click(provider, url)):
        assert response.status_code == 404
        assert "The link is not valid or has expired." in response.content.decode()
    assert Subscription.objects.filter(pk=subscription.pk).exists()


def test_another_subscription_is_untouched(provider, subscription):
    other = Subscription.objects.create(email="bea@example.org", events=True)
    one_click(provider, path(subscription))
    assert list(Subscription.objects.all()) == [other]


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(client, subscription, method):
    assert getattr(client, method)(path(subscription)).status_code == 405
    assert Subscription.objects.exists()


def test_the_manage_page_offers_leaving_too(client, subscription):
    manage = links.manage_url(subscription).removeprefix("http://localhost")
    page = client.get(manage).content.decode()
    # The link is signed at the second the page is made: the form's own is read back.
    action = re.search(r'<form action="/alerts/unsubscribe/([^/"]+)/" method="post">', page)
    assert action is not None
    assert links.subscription_for_manage(action[1]) == subscription
