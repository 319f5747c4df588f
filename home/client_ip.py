"""The visitor's address, for login lockouts and the limits on the membership form and on the
passwords of private pages and documents.

Behind proxies (a load balancer, a CDN) the connecting address is the nearest proxy's, the same
for everyone. Each trusted proxy appends the address it was reached from to X-Forwarded-For, so
with N of them the visitor is the Nth address from the right; anything further left was written
by the visitor and cannot be trusted.
"""

from django.conf import settings


def client_ip(request):
    count = settings.TRUSTED_PROXY_COUNT
    if count:
        forwarded = [
            part.strip()
            for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
            if part.strip()
        ]
        if len(forwarded) >= count:
            return forwarded[-count]
    return request.META.get("REMOTE_ADDR", "")
