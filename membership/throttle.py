"""A limit on applications sent from one IP address, counted in the cache that all the app
servers share."""

from django.conf import settings
from django.core.cache import cache

from home.client_ip import client_ip

WINDOW = 60 * 60


def over_limit(request):
    """Counts this submission and says whether the address has sent more than its share in
    the last hour. Counted before the form is checked, so bad tries count too."""
    key = f"membership:applications:{client_ip(request)}"
    cache.add(key, 0, timeout=WINDOW)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.set(key, 1, timeout=WINDOW)
        count = 1
    return count > settings.MEMBERSHIP_APPLICATIONS_PER_HOUR
