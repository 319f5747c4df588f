"""A limit on guessing the passwords of private pages and documents.

Wagtail checks a private page's password, or a private collection's, as often as it is asked.
Its two password forms are wrapped here, at their own addresses: wrong passwords from one
address are counted for each restriction and in all, and past a limit the address is locked out
for a while, with a 429 and the form saying until when; while locked, even the right password
is refused. Counted in the cache that all the app servers share, by the address that
home.client_ip sees; where the cache keeps nothing (its server down) nothing is limited.
"""

import datetime
import logging
import math
from functools import wraps
from typing import NamedTuple

from django.conf import settings
from django.core.cache import cache
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import add_never_cache_headers

from wagtail import views as page_views
from wagtail.documents.views import serve as document_views
from wagtail.forms import PasswordViewRestrictionForm
from wagtail.models import CollectionViewRestriction, Page, PageViewRestriction

from home.client_ip import client_ip
from home.rate_limit import count

logger = logging.getLogger(__name__)

# Wrong passwords in WINDOW seconds from the first: so many for one restriction lock the address
# out of that restriction for LOCKOUT seconds, so many across restrictions out of all of them.
TRIES_PER_RESTRICTION = 5
TRIES_PER_ADDRESS = 15
WINDOW = 30 * 60
LOCKOUT = 30 * 60


class Limit(NamedTuple):
    tries: str  # the cache key of the count
    most: int
    lock: str  # the cache key of the lockout
    scope: str


class PasswordTries:
    """One address's tries at the password of one restriction ("page" or "collection", and its
    id)."""

    def __init__(self, request, kind, restriction_id):
        self.restriction = f"{kind} restriction {restriction_id}"
        address = client_ip(request)
        self.limits = [
            Limit(
                f"passwords:tries:{address}:{kind}:{restriction_id}",
                TRIES_PER_RESTRICTION,
                f"passwords:locked:{address}:{kind}:{restriction_id}",
                "it",
            ),
            Limit(
                f"passwords:tries:{address}",
                TRIES_PER_ADDRESS,
                f"passwords:locked:{address}",
                "every password form",
            ),
        ]
        self.counts = []

    def locked_until(self):
        """When the lockout of this address from this restriction ends; None if it is not
        locked out."""
        locks = cache.get_many([limit.lock for limit in self.limits])
        return max(locks.values(), default=None)

    def take(self):
        """Counts a try before its password is checked, so that tries sent at once cannot pass
        the limit together; returns when the lockout ends if the limit is already used up."""
        self.counts = [count(limit.tries, WINDOW) for limit in self.limits]
        return self._lock(lambda tries, most: tries > most)

    def failed(self):
        """The password was wrong: returns when the lockout ends if that used up the limit."""
        return self._lock(lambda tries, most: tries >= most)

    def forgive(self):
        """The password was right: the try is not held against the address (nor against others
        behind the same address, an office's readers say)."""
        for limit in self.limits:
            try:
                cache.decr(limit.tries)
            except ValueError:  # expired meanwhile, or the cache keeps nothing
                pass

    def _lock(self, over):
        until = None
        for limit, tries in zip(self.limits, self.counts, strict=True):
            if over(tries, limit.most):
                ends = timezone.now() + datetime.timedelta(seconds=LOCKOUT)
                if cache.add(limit.lock, ends, timeout=LOCKOUT):
                    logger.warning(
                        "Too many wrong passwords for %s: an address is locked out of %s for "
                        "%d minutes",
                        self.restriction,
                        limit.scope,
                        LOCKOUT // 60,
                    )
                else:  # locked already, by a try sent at the same time
                    ends = cache.get(limit.lock)
                until = max(filter(None, [until, ends]), default=None)
        return until


def limit_tries(kind, restriction_kwarg, locked_form):
    """Wraps one of Wagtail's password views: a password sent from a locked-out address is
    answered with `locked_form` and never checked, and every other is counted."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, **kwargs):
            # Without a password the form is only shown again: no guess to count.
            if request.method != "POST" or not request.POST.get("password"):
                return view(request, **kwargs)
            tries = PasswordTries(request, kind, kwargs[restriction_kwarg])
            until = tries.locked_until() or tries.take()
            if until is None:
                response = view(request, **kwargs)
                # Wagtail redirects once it accepts the password, and shows the form again (a
                # 200) for one it does not.
                if response.status_code != 200:
                    tries.forgive()
                    return response
                until = tries.failed()
                if until is None:
                    return response
            response = locked_form(request, **kwargs)
            response.context_data["locked_until"] = until
            response.status_code = 429
            response["Retry-After"] = str(math.ceil((until - timezone.now()).total_seconds()))
            add_never_cache_headers(response)
            return response

        return wrapped

    return decorator


def empty_form(request, restriction):
    return PasswordViewRestrictionForm(
        instance=restriction, initial={"return_url": request.POST.get("return_url", "")}
    )


def page_form(request, page_view_restriction_id, page_id):
    restriction = get_object_or_404(PageViewRestriction, id=page_view_restriction_id)
    page = get_object_or_404(Page, id=page_id).specific
    action_url = reverse("wagtailcore_authenticate_with_password", args=[restriction.id, page.id])
    return page.serve_password_required_response(
        request, empty_form(request, restriction), action_url
    )


def document_form(request, restriction_id):
    restriction = get_object_or_404(CollectionViewRestriction, id=restriction_id)
    template = getattr(
        settings, "WAGTAILDOCS_PASSWORD_REQUIRED_TEMPLATE", "wagtaildocs/password_required.html"
    )
    context = {
        "form": empty_form(request, restriction),
        "action_url": reverse("wagtaildocs_authenticate_with_password", args=[restriction.id]),
    }
    return TemplateResponse(request, template, context)


page_password = limit_tries("page", "page_view_restriction_id", page_form)(
    page_views.authenticate_with_password
)
document_password = limit_tries("collection", "restriction_id", document_form)(
    document_views.authenticate_with_password
)
