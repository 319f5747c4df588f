"""A limit on what the join page's forms take from one IP address, counted in the cache that all
the app servers share: applications and registrations of interest each have their own count."""

from django.conf import settings

from home.client_ip import client_ip
from home.rate_limit import count

WINDOW = 60 * 60


def over_limit(request, kind):
    """Counts this submission and says whether the address has sent more than its share of this
    kind in the last hour. Counted before the form is checked, so bad tries count too."""
    tries = count(f"membership:{kind}:{client_ip(request)}", WINDOW)
    return tries > settings.MEMBERSHIP_APPLICATIONS_PER_HOUR
