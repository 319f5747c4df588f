"""Counting a visitor's tries in the cache that all the app servers share, for the limits on the
site's forms (the membership form, the passwords of private pages and documents)."""

from django.core.cache import cache


def count(key, window):
    """Counts one more try under `key` and returns how many there have been since the first,
    for `window` seconds from it. Where the cache cannot count (its server is down) it answers
    1: the limits let visitors through rather than shut everyone out."""
    cache.add(key, 0, timeout=window)
    try:
        return cache.incr(key)
    except ValueError:  # expired between add and incr, or not stored at all
        cache.set(key, 1, timeout=window)
        return 1
