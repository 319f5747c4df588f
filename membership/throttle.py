"""A limit on applications sent from one IP address, counted in the cache that all the app
servers share."""

from django.conf import settings

from home.client_ip import client_ip
from home.rate_limit import count

WINDOW = 60 * 60


def over_limit(request):
    """Counts this submission and says whether the address has sent more than its share in
    the last hour. Counted before the form is checked, so bad tries count too."""
    tries = count(f"membership:applications:{client_ip(request)}", WINDOW)
    return tries > settings.MEMBERSHIP_APPLICATIONS_PER_HOUR
