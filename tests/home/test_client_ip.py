"""The visitor's address behind trusted proxies, as login lockouts and the membership form's
limit count it."""

import pytest

from django.test import RequestFactory, override_settings

from home.client_ip import client_ip


def request(remote="10.0.0.1", forwarded=None):
    headers = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        headers["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **headers)


def test_without_proxies_the_connecting_address_counts_and_the_header_is_ignored():
    assert client_ip(request(forwarded="203.0.113.9")) == "10.0.0.1"


@pytest.mark.parametrize(
    ("count", "forwarded", "expected"),
    [
        (1, "198.51.100.7", "198.51.100.7"),
        # What the visitor wrote themselves stands further left and is not believed.
        (1, "203.0.113.9, 198.51.100.7", "198.51.100.7"),
        (2, "203.0.113.9, 198.51.100.7, 10.0.0.2", "198.51.100.7"),
        # Fewer addresses than proxies: the header is not what the proxies make.
        (2, "198.51.100.7", "10.0.0.1"),
        (1, "", "10.0.0.1"),
        (1, " , ", "10.0.0.1"),
    ],
)
def test_behind_trusted_proxies_the_address_they_saw_counts(count, forwarded, expected):
    with override_settings(TRUSTED_PROXY_COUNT=count):
        assert client_ip(request(forwarded=forwarded)) == expected
