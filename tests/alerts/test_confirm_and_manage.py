"""Confirming from the emailed link, and changing one's choices from the manage link: links that
cannot be made up, pages no cache keeps, and a GET that never confirms for the person."""

from datetime import timedelta

import pytest

from django.test import Client
from django.utils import timezone

from alerts import links
from alerts.forms import NOTHING_CHOSEN
from alerts.models import UNCONFIRMED_FOR, Subscription
from tests.alerts.conftest import link_in, signed_long_ago, signup_data
from tests.alerts.conftest import text_and_html as parts

pytestmark = pytest.mark.django_db

INVALID = "The link is not valid or has expired."


def path_of(url):
    return url.removeprefix("http://localhost")


@pytest.fixture
def waiting(news_site):
    subscription = Subscription.objects.create(email="ana@example.org", news=True)
    subscription.topics.set([news_site["topics"]["water"]])
    return subscription


@pytest.fixture
def confirmed(waiting):
    waiting.confirm()
    return waiting


@pytest.fixture
def csrf_client():
    """A browser as it is: the CSRF check is made."""
    return Client(enforce_csrf_checks=True)


def confirm_with_button(client, path):
    """Loads the confirmation page and presses its button, CSRF token and all."""
    page = client.get(path)
    assert page.status_code == 200
    token = page.content.decode().split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    return client.post(path, {"csrfmiddlewaretoken": token})


def test_a_reader_subscribes_and_confirms_from_the_email(csrf_client, news_site, inbox):
    mining = news_site["topics"]["mining"]
    data = signup_data(news=None, briefings="on", topics=[str(mining.pk)])
    assert csrf_client.post("/alerts/", data).status_code == 302
    [message] = inbox.messages
    text, _html = parts(message)
    path = link_in(text, "confirm")

    page = csrf_client.get(path)
    content = page.content.decode()
    assert "Confirm your subscription" in content and "Briefings, Mining" in content
    assert '<button type="submit" class="button">Confirm</button>' in content
    assert not Subscription.objects.get().is_confirmed  # a link scanner's GET confirms nothing

    response = confirm_with_button(csrf_client, path)
    assert response.status_code == 200
    content = response.content.decode()
    assert "You’re subscribed" in content
    subscription = Subscription.objects.get()
    assert subscription.is_confirmed and subscription.next_digest_at is not None
    manage = content.split('class="button button--secondary" href="')[1].split('"')[0]
    assert csrf_client.get(path_of(manage)).status_code == 200


def test_the_confirmation_page_asks_for_a_csrf_token(csrf_client, waiting):
    path = path_of(links.confirm_url(waiting))
    assert csrf_client.post(path).status_code == 403
    waiting.refresh_from_db()
    assert not waiting.is_confirmed


def test_confirming_twice_keeps_the_first_confirmation(client, confirmed):
    first = confirmed.confirmed_at
    path = path_of(links.confirm_url(confirmed))
    page = client.get(path).content.decode()
    assert "You’re subscribed" in page and "Confirm</button>" not in page
    assert "You’re subscribed" in client.post(path).content.decode()
    confirmed.refresh_from_db()
    assert confirmed.confirmed_at == first


def test_link_pages_are_kept_by_no_cache_nor_search_engine(client, waiting):
    for path in (
        links.confirm_url(waiting),
        links.manage_url(waiting),
        links.unsubscribe_url(waiting),
        "/alerts/confirm/nonsense/",
    ):
        response = client.get(path_of(path))
        assert response["Cache-Control"] == "private, no-store", path
        assert response["X-Robots-Tag"] == "noindex", path
        assert response["Referrer-Policy"] == "origin", path
        assert '<meta name="robots" content="noindex">' in response.content.decode()


def bad_confirm_tokens(subscription):
    token = links.confirm_token(subscription)
    return {
        "garbage": "nonsense",
        "tampered": token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "another key": token.replace(token.split(":")[0], "ImFub3RoZXIi"),
        "a manage token": links.manage_token(subscription),
        "too old": signed_long_ago(
            subscription.key, links.CONFIRM_SALT, days=UNCONFIRMED_FOR.days + 1
        ),
        "not a key": signed_long_ago(["a", "list"], links.CONFIRM_SALT, days=0),
    }


@pytest.mark.parametrize(
    "case", ["garbage", "tampered", "another key", "a manage token", "too old", "not a key"]
)
def test_a_bad_confirmation_link_says_so_and_confirms_nothing(client, waiting, case):
    path = f"/alerts/confirm/{bad_confirm_tokens(waiting)[case]}/"
    for response in (client.get(path), client.post(path)):
        assert response.status_code == 404
        page = response.content.decode()
        assert INVALID in page and 'href="/alerts/"' in page
    waiting.refresh_from_db()
    assert not waiting.is_confirmed


def test_a_confirmation_link_a_day_short_of_expiry_still_works(client, waiting):
    token = signed_long_ago(waiting.key, links.CONFIRM_SALT, days=UNCONFIRMED_FOR.days - 1)
    assert client.post(f"/alerts/confirm/{token}/").status_code == 200
    waiting.refresh_from_db()
    assert waiting.is_confirmed


def test_the_link_of_a_deleted_subscription_is_not_valid(client, waiting):
    path = path_of(links.confirm_url(waiting))
    waiting.delete()
    assert client.get(path).status_code == 404
    assert client.post(path).status_code == 404


def test_the_manage_page_shows_the_choices_and_saves_new_ones(csrf_client, news_site, confirmed):
    path = path_of(links.manage_url(confirmed))
    page = csrf_client.get(path).content.decode()
    water, mining = news_site["topics"]["water"], news_site["topics"]["mining"]
    assert "For ana@example.org." in page
    assert 'name="news" id="id_news" checked' in page
    assert f'value="{water.pk}" id="id_topics_2" checked' in page
    assert 'value="immediate" id="id_frequency_0" checked' in page
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]

    data = {
        "csrfmiddlewaretoken": token,
        "events": "on",
        "topics": [str(mining.pk)],
        "frequency": "weekly",
    }
    response = csrf_client.post(path, data)
    assert response.status_code == 200
    assert "Your choices are saved." in response.content.decode()
    confirmed.refresh_from_db()
    assert (confirmed.news, confirmed.briefings, confirmed.events) == (False, False, True)
    assert list(confirmed.topics.all()) == [mining]
    assert confirmed.frequency == "weekly"
    assert confirmed.is_confirmed


@pytest.mark.parametrize(
    ("data", "error"),
    [
        ({}, NOTHING_CHOSEN),
        ({"frequency": "weekly"}, NOTHING_CHOSEN),
        ({"topics": ["999999"]}, "not on our list"),
        ({"news": "on", "frequency": "<b>daily</b>"}, "Choose how often"),
    ],
)
def test_bad_choices_are_refused_and_nothing_changes(client, confirmed, data, error):
    response = client.post(path_of(links.manage_url(confirmed)), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert error in page and "<b>daily</b>" not in page
    assert "Your choices are saved." not in page
    confirmed.refresh_from_db()
    assert confirmed.news and confirmed.frequency == "immediate"
    assert confirmed.topics.count() == 1


def test_the_manage_page_asks_for_a_csrf_token(csrf_client, confirmed):
    path = path_of(links.manage_url(confirmed))
    assert csrf_client.post(path, {"events": "on"}).status_code == 403
    confirmed.refresh_from_db()
    assert not confirmed.events


def test_a_manage_link_never_expires(client, confirmed):
    token = signed_long_ago(confirmed.key, links.MANAGE_SALT, days=3 * 365)
    assert client.get(f"/alerts/manage/{token}/").status_code == 200


@pytest.mark.parametrize("case", ["garbage", "tampered", "a confirm token"])
def test_a_bad_manage_link_says_so(client, confirmed, case):
    token = links.manage_token(confirmed)
    token = {
        "garbage": "x" * 300,
        "tampered": token[:-2] + ("AA" if not token.endswith("AA") else "BB"),
        "a confirm token": links.confirm_token(confirmed),
    }[case]
    for response in (
        client.get(f"/alerts/manage/{token}/"),
        client.post(f"/alerts/manage/{token}/", {"events": "on"}),
    ):
        assert response.status_code == 404
        assert INVALID in response.content.decode()
    confirmed.refresh_from_db()
    assert not confirmed.events


def test_an_unconfirmed_subscription_is_told_so_on_its_manage_page(client, waiting):
    page = client.get(path_of(links.manage_url(waiting))).content.decode()
    assert "not confirmed yet" in page


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_other_methods_are_not_allowed(client, confirmed, method):
    for url in (links.confirm_url(confirmed), links.manage_url(confirmed)):
        assert getattr(client, method)(path_of(url)).status_code == 405


def test_an_unconfirmed_subscription_past_its_time_cannot_be_confirmed(client, news_site):
    old = Subscription.objects.create(
        email="late@example.org", news=True, created_at=timezone.now() - timedelta(days=40)
    )
    token = signed_long_ago(old.key, links.CONFIRM_SALT, days=40)
    assert client.post(f"/alerts/confirm/{token}/").status_code == 404
