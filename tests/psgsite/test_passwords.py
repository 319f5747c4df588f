"""The passwords of private pages and of documents in private collections cannot be guessed
without limit: wrong passwords from one address lock it out, per restriction and in all.

The admin login's own lockout is in tests/psgsite/test_security.py."""

import logging
import re
import threading
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import pytest
from bs4 import BeautifulSoup

from django.core.cache import cache
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone

from wagtail.models import Collection, CollectionViewRestriction, PageViewRestriction

from psgsite.passwords import LOCKOUT, TRIES_PER_ADDRESS, TRIES_PER_RESTRICTION, PasswordTries
from tests.factories import AboutPageFactory, DocumentFactory
from tests.psgsite.web_client import WebClient

ADDRESS = "203.0.113.5"
WRONG = "The password you have entered is not correct."
LOCKED = "Too many wrong passwords have been tried from your connection."


def private_page(home, n):
    page = AboutPageFactory(parent=home, title=f"Minutes of meeting {n}", slug=f"members-{n}")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type="password", password=f"andes-{n}"
    )
    return SimpleNamespace(
        restriction=restriction,
        password=restriction.password,
        url=f"/_util/authenticate_with_password/{restriction.pk}/{page.pk}/",
        shown=page.url,
        content=page.title,
        kind="page",
    )


@pytest.fixture
def pages(home):
    return [private_page(home, n) for n in range(4)]


@pytest.fixture
def document(home):
    collection = Collection.get_first_root_node().add_child(name="Members only")
    restriction = CollectionViewRestriction.objects.create(
        collection=collection, restriction_type="password", password="lima-2026"
    )
    document = DocumentFactory(title="Minutes", collection=collection)
    return SimpleNamespace(
        restriction=restriction,
        password=restriction.password,
        url=f"/documents/authenticate_with_password/{restriction.pk}/",
        shown=document.url,
        kind="collection",
    )


def send(client, private, password, ip=ADDRESS, **headers):
    data = {"return_url": private.shown}
    if password is not None:
        data["password"] = password
    return client.post(private.url, data, REMOTE_ADDR=ip, **headers)


def wrong_until_locked(client, private, ip=ADDRESS, **headers):
    for attempt in range(1, TRIES_PER_RESTRICTION):
        response = send(client, private, f"wrong-{attempt}", ip, **headers)
        assert response.status_code == 200, attempt
        assert WRONG in response.content.decode()
    return send(client, private, "wrong-last", ip, **headers)


def opened(client, private, response):
    """Whether the right password was taken: the visitor is sent back to what they asked for,
    which they now get."""
    if response.status_code != 302 or response.url != private.shown:
        return False
    shown = client.get(private.shown)
    if shown.streaming:  # the document itself
        return shown.status_code == 200 and shown["Content-Disposition"].startswith("attachment")
    return shown.status_code == 200 and "Password required" not in shown.content.decode()


def assert_locked(response):
    assert response.status_code == 429
    page = response.content.decode()
    assert LOCKED in page
    # Until when, in UK time, which is also the Retry-After.
    until = timezone.localtime(response.context["locked_until"])
    assert f"refused until {until:%H:%M} (UK time)" in page
    assert 0 < int(response["Retry-After"]) <= LOCKOUT
    assert "no-cache" in response["Cache-Control"]
    # The form is still there, with nothing of the refused password in it.
    form = BeautifulSoup(page, "html.parser").find("form")
    assert form.find("input", {"type": "password"}).get("value") is None


def test_wrong_passwords_lock_the_address_out_of_the_page(client, pages, caplog):
    private = pages[0]
    with caplog.at_level(logging.WARNING, logger="psgsite.passwords"):
        assert_locked(wrong_until_locked(client, private))
        # Even the right password is refused now, and the page stays closed.
        response = send(client, private, private.password)
    assert_locked(response)
    # The lockout is logged once, without the address.
    [record] = [r for r in caplog.records if r.name == "psgsite.passwords"]
    assert record.levelno == logging.WARNING
    assert record.getMessage() == (
        f"Too many wrong passwords for page restriction {private.restriction.pk}: an address "
        "is locked out of it for 30 minutes"
    )
    assert not opened(client, private, response)
    passed = client.session.get(PageViewRestriction.passed_view_restrictions_session_key, [])
    assert private.restriction.pk not in passed
    assert "Password required" in client.get(private.shown).content.decode()


def test_the_right_password_before_the_limit_opens_the_page(client, pages):
    private = pages[0]
    for attempt in range(TRIES_PER_RESTRICTION - 1):
        assert send(client, private, f"wrong-{attempt}").status_code == 200
    response = send(client, private, private.password)
    assert opened(client, private, response)
    assert private.content in client.get(private.shown).content.decode()


def test_readers_behind_one_address_who_know_the_password_are_never_locked_out(pages):
    """An office's readers share an address: the right password is not held against it."""
    private = pages[0]
    for reader in range(3 * TRIES_PER_ADDRESS):
        client = Client()
        assert opened(client, private, send(client, private, private.password)), reader
    for attempt in range(TRIES_PER_RESTRICTION - 1):
        assert send(Client(), private, f"wrong-{attempt}").status_code == 200


def test_a_try_is_counted_before_its_password_is_checked(client, pages):
    """As tries sent at once to several threads or servers are counted: with as many taken
    and not yet answered as the limit allows, the next is refused unchecked, even the right
    password."""
    private = pages[0]
    request = RequestFactory().post("/", REMOTE_ADDR=ADDRESS)
    for _ in range(TRIES_PER_RESTRICTION):
        PasswordTries(request, private.kind, private.restriction.pk).take()
    response = send(client, private, private.password)
    assert_locked(response)
    assert not opened(client, private, response)


def test_another_address_is_not_locked_out(client, pages):
    private = pages[0]
    wrong_until_locked(client, private)
    assert opened(client, private, send(client, private, private.password, ip="198.51.100.7"))


def test_behind_a_trusted_proxy_each_visitor_is_locked_out_alone(client, pages):
    private, proxy = pages[0], "10.0.0.2"
    with override_settings(TRUSTED_PROXY_COUNT=1):
        wrong_until_locked(client, private, proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
        assert_locked(
            send(client, private, private.password, proxy, HTTP_X_FORWARDED_FOR="198.51.100.7")
        )
        other = send(client, private, private.password, proxy, HTTP_X_FORWARDED_FOR="198.51.100.8")
        assert opened(client, private, other)


def test_a_forwarded_for_header_does_not_escape_the_lockout_without_a_trusted_proxy(client, pages):
    private = pages[0]
    wrong_until_locked(client, private)
    assert_locked(send(client, private, private.password, HTTP_X_FORWARDED_FOR="198.51.100.7"))


def test_the_locked_address_may_still_open_another_private_page(client, pages, document):
    wrong_until_locked(client, pages[0])
    # Its tries on another restriction are counted afresh.
    assert send(client, pages[1], "wrong").status_code == 200
    assert opened(client, pages[1], send(client, pages[1], pages[1].password))
    assert opened(client, document, send(client, document, document.password))


def test_wrong_passwords_spread_over_restrictions_lock_the_address_out_of_all(
    client, pages, document
):
    spread = [pages[0], pages[1], pages[2], document]
    tries = [
        private
        for private in spread
        for _ in range(TRIES_PER_RESTRICTION - 1)  # never enough to lock one restriction
    ][:TRIES_PER_ADDRESS]
    assert len(tries) == TRIES_PER_ADDRESS
    for n, private in enumerate(tries[:-1]):
        assert send(client, private, f"wrong-{n}").status_code == 200, n
    assert_locked(send(client, tries[-1], "wrong-last"))
    # Every password form refuses this address, even a restriction it never tried.
    for private in [pages[3], document]:
        assert_locked(send(client, private, private.password))
    assert opened(client, pages[3], send(client, pages[3], pages[3].password, ip="198.51.100.7"))


def test_document_passwords_are_limited_alike(client, document):
    assert_locked(wrong_until_locked(client, document))
    response = send(client, document, document.password)
    assert_locked(response)
    assert "You need a password to access this document." in response.content.decode()
    assert client.get(document.shown).status_code == 200  # the password form, not the file
    assert "Password required" in client.get(document.shown).content.decode()
    assert opened(client, document, send(client, document, document.password, ip="198.51.100.7"))


def keys(private, ip=ADDRESS):
    """The cache keys of an address's counts of wrong passwords, and of its lockouts."""
    request = RequestFactory().post("/", REMOTE_ADDR=ip)
    limits = PasswordTries(request, private.kind, private.restriction.pk).limits
    return [limit.tries for limit in limits], [limit.lock for limit in limits]


def test_the_counts_start_again_when_their_window_has_passed(client, pages):
    private = pages[0]
    for attempt in range(TRIES_PER_RESTRICTION - 1):
        send(client, private, f"wrong-{attempt}")
    counters, _ = keys(private)
    assert [cache.get(key) for key in counters] == [TRIES_PER_RESTRICTION - 1] * 2
    cache.delete_many(counters)  # as the cache does when they expire
    for attempt in range(TRIES_PER_RESTRICTION - 1):
        assert send(client, private, f"again-{attempt}").status_code == 200
    assert opened(client, private, send(client, private, private.password))


def test_the_lockout_ends_when_its_time_has_passed(client, pages):
    private = pages[0]
    wrong_until_locked(client, private)
    counters, locks = keys(private)
    cache.delete_many(counters + locks)  # as the cache does when they expire
    assert opened(client, private, send(client, private, private.password))


@pytest.mark.parametrize(
    "url",
    [
        "/_util/authenticate_with_password/x/1/",
        "/_util/authenticate_with_password/1/x/",
        "/_util/authenticate_with_password/99999/1/",
        "/documents/authenticate_with_password/x/",
        "/documents/authenticate_with_password/99999/",
        "/_util/authenticate_with_password/-1/1/",
        "/_util/authenticate_with_password/1/",
    ],
)
def test_unknown_or_malformed_addresses_are_not_found(client, pages, url):
    assert client.post(url, {"password": "x", "return_url": "/"}).status_code == 404
    assert client.get(url).status_code == 404


def test_bad_input_is_never_a_server_error_nor_counted_as_a_guess(client, pages, document):
    private = pages[0]
    for _ in range(TRIES_PER_ADDRESS + 1):
        # No password at all is no guess.
        response = send(client, private, None)
        assert response.status_code == 200
        assert "This field is required." in response.content.decode()
        assert send(client, document, "").status_code == 200
        assert client.post(private.url, {}, REMOTE_ADDR=ADDRESS).status_code == 200
    # Nor is a page the restriction is not on a way round the count.
    unknown_page = private.url.rsplit("/", 2)[0] + "/99999/"
    assert client.post(unknown_page, {"password": "x"}, REMOTE_ADDR=ADDRESS).status_code == 404
    assert opened(client, private, send(client, private, private.password))


def test_while_locked_unknown_pages_are_still_not_found(client, pages):
    private = pages[0]
    wrong_until_locked(client, private)
    unknown_page = private.url.rsplit("/", 2)[0] + "/99999/"
    assert client.post(unknown_page, {"password": "x"}, REMOTE_ADDR=ADDRESS).status_code == 404


def test_the_production_server_locks_out_guesses_at_a_page_password(start_production_server, home):
    """Behind one trusted proxy, as production is deployed, the visitor's address is the one
    the proxy forwarded."""
    private = private_page(home, 9)
    server = start_production_server(DJANGO_TRUSTED_PROXY_COUNT="1")

    def visitor(address):
        client = WebClient()
        forwarded = {"X-Forwarded-For": address}

        def send(password):
            form = client.get(server.url + private.shown, headers=forwarded)
            assert form.status == 200 and "Password required" in form.text
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            data = {"csrfmiddlewaretoken": token.group(1), "return_url": private.shown}
            return client.post(
                server.url + private.url, {**data, "password": password}, headers=forwarded
            )

        return send

    guesser = visitor("198.51.100.7")
    for attempt in range(1, TRIES_PER_RESTRICTION):
        response = guesser(f"wrong-{attempt}")
        assert response.status == 200, attempt
        assert WRONG in response.text
    locked = guesser("wrong-last")
    assert locked.status == 429
    assert LOCKED in locked.text
    assert 0 < int(locked.headers["Retry-After"]) <= LOCKOUT
    right = guesser(private.password)
    assert right.status == 429 and LOCKED in right.text

    reader = visitor("198.51.100.8")
    response = reader(private.password)
    assert response.status == 302 and response.location == private.shown


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_where_the_cache_keeps_nothing_the_passwords_are_not_limited(client, pages):
    """As with its server down: the limit lets readers through rather than lock everyone out."""
    private = pages[0]
    for attempt in range(TRIES_PER_ADDRESS + 1):
        assert send(client, private, f"wrong-{attempt}").status_code == 200, attempt
    assert opened(client, private, send(client, private, private.password))


def test_tries_sent_all_at_once_cannot_pass_the_limit_together(start_production_server, home):
    """A burst of wrong passwords from one address, answered by the server's threads at once:
    as many are answered as wrong as the limit allows, and the others are refused."""
    private = private_page(home, 9)
    server = start_production_server()
    form = WebClient().get(server.url + private.shown)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    cookie = re.search(r"csrftoken=([^;]+)", form.headers["Set-Cookie"]).group(1)
    start = threading.Barrier(3 * TRIES_PER_RESTRICTION)

    def guess(n):
        start.wait(timeout=30)
        return (
            WebClient()
            .post(
                server.url + private.url,
                {
                    "csrfmiddlewaretoken": token,
                    "password": f"wrong-{n}",
                    "return_url": private.shown,
                },
                headers={"Cookie": f"csrftoken={cookie}"},
            )
            .status
        )

    with ThreadPoolExecutor(max_workers=3 * TRIES_PER_RESTRICTION) as pool:
        answers = sorted(pool.map(guess, range(3 * TRIES_PER_RESTRICTION)))
    assert answers.count(200) == TRIES_PER_RESTRICTION - 1
    assert answers.count(429) == 2 * TRIES_PER_RESTRICTION + 1
