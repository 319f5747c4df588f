"""The count behind the limits on the site's forms."""

from django.core.cache import cache
from django.test import override_settings

from home.rate_limit import count


def test_tries_are_counted_under_their_own_key():
    assert [count("tries:a", 60) for _ in range(3)] == [1, 2, 3]
    assert count("tries:b", 60) == 1
    assert cache.get("tries:a") == 3


def test_the_count_starts_again_once_its_window_has_passed():
    count("tries:a", 60)
    count("tries:a", 60)
    cache.touch("tries:a", 0)  # as its timeout does when the window has passed
    assert count("tries:a", 60) == 1


@override_settings(CACHES={"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}})
def test_a_cache_that_keeps_nothing_lets_every_try_through():
    """As a cache whose server is down answers: nothing stored, nothing to increment."""
    assert [count("tries:a", 60) for _ in range(3)] == [1, 1, 1]
