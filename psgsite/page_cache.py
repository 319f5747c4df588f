"""The page cache: what anonymous readers are served, kept whole in the "pages" cache (Redis,
shared by every app server and process, when REDIS_URL is set; this process's memory otherwise).

Invalidation is by generation. Every cached page is stored with the generation it was rendered
in, and any change to what pages show (a page published, unpublished, moved or deleted, site
settings, an image or document...) starts a new generation once its transaction commits, so
that every page is rendered afresh at its next request, on every server. Tracking which of the
site's pages show which content would save little: each page carries the menu and footer, and
listings, feeds, the sitemap and search show every item.

Some changes come by the clock alone: a scheduled revision going live, a page expiring, an
event becoming a past one. A page is kept only until the next such moment, so it is rendered
again then even where the change is made by a scheduler in another process with a cache of its
own (local memory), and it is not kept at all while a due change waits for the scheduler.

Only anonymous GET requests are served from the cache: a request carrying a session (a
logged-in editor, a preview, a page unlocked with its password) or a message goes through, and
only a plain 200 response that sets no cookie, holds no CSRF token (a form), varies on nothing
but the session cookie and does not forbid caching is kept.

The number of entries is bounded by the pages the site has, not by the addresses anyone can
write: a page is kept under its path and the query parameters it was rendered from, each in the
form the page itself links to (home/parameters.py). Trackers' parameters (utm_*, fbclid...) are
left out of the key, so a shared link is served the page everyone gets; a request with any other
parameter, or another spelling of one, is answered uncached and adds nothing.

A publication makes every page a miss at once, and under load several readers of one page then
miss together, on every worker and server: each would render it, and the site would take longer
to get back to serving from the cache than the rendering of each page once takes. So the first
to miss takes a short lock in the cache, for that page and generation, and renders; the others
wait for the entry it keeps (X-Cache: wait) rather than render it too. A waiter takes only an
entry of the generation it found on arriving, so never a page older than a publication it saw;
where the renderer keeps nothing (a form, an error), or takes too long, each waiter renders the
page itself. DJANGO_PAGE_CACHE_COALESCE=0 turns this off (the benchmark compares the two).
"""

import functools
import hashlib
import logging
import math
import time
import uuid
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import caches
from django.db import DatabaseError, transaction
from django.db.models import Min
from django.db.models.signals import m2m_changed, post_delete, post_save
from django.http import HttpResponse

from modelcluster.fields import ParentalKey
from taggit.models import Tag
from wagtail.contrib.redirects.models import Redirect
from wagtail.contrib.settings.models import BaseSiteSetting
from wagtail.documents.models import AbstractDocument
from wagtail.images.models import AbstractImage
from wagtail.models import BaseViewRestriction, Collection, Locale, Page, Revision, Site
from wagtail.signals import page_published, page_unpublished, post_page_move

from membership.models import MembershipType
from news.models import EventPage, Topic

from .redis_cache import CACHE_ERRORS, CacheUnavailable
from .scheduler import publishable_models

logger = logging.getLogger("psgsite.page_cache")

GENERATION_KEY = "generation"
NO_CHANGE_DUE = math.inf
# A render lock outlasts a slow render; a reader waits for another's render at most WAIT_SECONDS,
# looking for its entry every POLL_SECONDS, and then renders the page itself.
RENDER_LOCK_SECONDS = 10
WAIT_SECONDS = 5
POLL_SECONDS = 0.025

# What public pages show, beyond the pages themselves and the rows that belong to them (their
# orderables and topics, which have a ParentalKey to the page).
# Parameters that trackers add to shared links; no page reads them.
TRACKING_PARAMETERS = {"fbclid", "gclid", "dclid", "gbraid", "wbraid", "msclkid", "mc_cid"}
TRACKING_PARAMETERS |= {"mc_eid", "_ga", "_gl", "igshid", "yclid", "twclid", "ttclid", "ref"}

CONTENT_MODELS = (
    Page,
    Site,
    BaseSiteSetting,
    AbstractImage,
    AbstractDocument,
    Collection,
    Locale,
    BaseViewRestriction,
    Tag,
    Topic,
    Redirect,
    MembershipType,
)


def page_cache():
    return caches["pages"]


class PageCacheMiddleware:
    """Serves anonymous readers from the page cache; placed after whitenoise, so that a cached
    page costs about what a static file does, and before the session, so that it costs no more."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        seconds = settings.PAGE_CACHE_SECONDS
        if not seconds or not is_cacheable_request(request):
            return self.get_response(request)

        parameters = keyed_parameters(request)
        address = f"{request.scheme}://{request.get_host()}{request.path}?{urlencode(parameters)}"
        key = "page:" + hashlib.sha256(address.encode()).hexdigest()
        now = time.time()
        lock = None
        try:
            found = page_cache().get_many([GENERATION_KEY, key])
            generation = found.get(GENERATION_KEY) or current_generation()
            # For what the page reads once a generation (home/visibility.py).
            request.page_cache_generation = generation
            entry = found.get(key)
            if is_fresh(entry, generation, now):
                return cached_response(entry, "hit")
            # Worked out before rendering: a change due after this moment is not in the page.
            until = min(now + seconds, next_change_due(generation, now))
            if until > now and settings.PAGE_CACHE_COALESCE:
                lock = f"render:{generation}:{key}"
                if not page_cache().add(lock, 1, timeout=RENDER_LOCK_SECONDS):
                    entry = rendered_by_another(key, lock, generation)
                    if entry is not None:
                        return cached_response(entry, "wait")
                    lock = None  # another request's, or gone: this one renders without it
        except CACHE_ERRORS as error:
            # The site goes on without its cache; /health/ reports the failure too. A server
            # left alone after a failure was reported then.
            if not isinstance(error, CacheUnavailable):
                logger.warning("Page cache unavailable, serving uncached: %r", error)
            return self.get_response(request)
        except DatabaseError:
            until = now  # the page is rendered (or fails) as without a cache, and not kept

        try:
            response = self.get_response(request)
            now = time.time()
            if (
                until > now
                and is_cacheable_response(request, response)
                and parameters == rendered_from(request, parameters)
            ):
                entry = {
                    "generation": generation,
                    "until": until,
                    "status": response.status_code,
                    "headers": list(response.items()),
                    "content": response.content,
                }
                try:
                    page_cache().set(key, entry, timeout=math.ceil(until - now))
                except CACHE_ERRORS as error:
                    logger.warning("Page cache unavailable, page not kept: %r", error)
                else:
                    response["X-Cache"] = "miss"
            return response
        finally:
            if lock is not None:
                release(lock)


def is_fresh(entry, generation, now):
    return entry is not None and entry["generation"] == generation and now < entry["until"]


def rendered_by_another(key, lock, generation):
    """The entry that the holder of `lock` keeps for the page, once it has; None where it keeps
    none of this generation (the lock is gone without it) or takes more than WAIT_SECONDS."""
    logger.debug("Waiting for another request to render %s", key)
    deadline = time.monotonic() + WAIT_SECONDS
    while time.monotonic() < deadline:
        time.sleep(POLL_SECONDS)
        found = page_cache().get_many([key, lock])
        entry = found.get(key)
        if is_fresh(entry, generation, time.time()):
            return entry
        if lock not in found:
            return None
    return None


def release(lock):
    try:
        page_cache().delete(lock)
    except CACHE_ERRORS as error:
        # It expires by itself; until then, readers of the page wait, then render it themselves.
        logger.warning("Page cache unavailable, render lock not released: %r", error)


def is_cacheable_request(request):
    return request.method == "GET" and not (
        settings.SESSION_COOKIE_NAME in request.COOKIES or "messages" in request.COOKIES
    )


def keyed_parameters(request):
    """The query parameters that can make the page differ, sorted: all but trackers'."""
    return sorted(
        (name, value)
        for name, values in request.GET.lists()
        if not (name in TRACKING_PARAMETERS or name.startswith("utm_"))
        for value in values
    )


def rendered_from(request, parameters):
    """The parameters among `parameters` that the view read, in their canonical form; equal to
    them only where each was read, given once and spelled as the page spells it."""
    read = getattr(request, "parameters_read", {})
    return [(name, read[name]) for name, _value in parameters if name in read]


def is_cacheable_response(request, response):
    cache_control = response.get("Cache-Control", "")
    # Every page reads the session (for the editors' user bar), so varies on the cookie; that is
    # safe here, where only requests without a session are served. A CSRF token marks a form.
    vary = {word.strip().lower() for word in response.get("Vary", "").split(",")} - {""}
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and vary <= {"cookie"}
        and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")
        and not any(word in cache_control for word in ("private", "no-cache", "no-store"))
    )


def cached_response(entry, how):
    """The kept page; `how` says how it was found: "hit", or "wait" after another's render."""
    response = HttpResponse(entry["content"], status=entry["status"])
    for header, value in entry["headers"]:
        response[header] = value
    response["X-Cache"] = how
    return response


def current_generation():
    """The generation pages are rendered in; a new one if the cache holds none (a new cache,
    or one that dropped the key to make room)."""
    cache = page_cache()
    generation = cache.get(GENERATION_KEY)
    if generation is None:
        # Another server may start one at the same moment: the first added is everyone's.
        cache.add(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
        generation = cache.get(GENERATION_KEY)
    return generation


def new_generation():
    try:
        page_cache().set(GENERATION_KEY, uuid.uuid4().hex, timeout=None)
    except CACHE_ERRORS:
        # The change is saved; only pages the cache still holds, if it kept them, are stale.
        logger.exception("Page cache unavailable: cached pages may not show the last change")


def next_change_due(generation, now):
    """When the next change by the clock alone is due, as a timestamp; kept for the generation
    until it passes."""
    key = f"next-change:{generation}"
    due = page_cache().get(key)
    if due is None or due <= now:
        due = next_scheduled_change()
        if due > now:
            timeout = None if due == NO_CHANGE_DUE else math.ceil(due - now)
            page_cache().set(key, due, timeout=timeout)
    return due


def next_scheduled_change():
    moments = [
        Revision.objects.aggregate(due=Min("approved_go_live_at"))["due"],
        *(
            model.objects.filter(live=True).aggregate(due=Min("expire_at"))["due"]
            for model in publishable_models()
        ),
        EventPage.objects.live().next_to_pass(),
    ]
    return min((m.timestamp() for m in moments if m is not None), default=NO_CHANGE_DUE)


@functools.cache
def is_content(model):
    return issubclass(model, CONTENT_MODELS) or any(
        isinstance(field, ParentalKey) for field in model._meta.concrete_fields
    )


def content_changed(instance, **kwargs):
    """Starts a new generation once the change is committed: a page rendered before that from
    what the database held still belongs to the old one."""
    scheduled = isinstance(instance, Revision) and instance.approved_go_live_at
    if is_content(type(instance)) or scheduled:
        new_generation_on_commit()


def page_changed(**kwargs):
    new_generation_on_commit()


def new_generation_on_commit():
    """One new generation for all the changes a transaction commits (publishing a page saves
    it, its revision and its log, each heard here): pages rendered between two generations of
    one commit would be rendered again for nothing."""
    connection = transaction.get_connection()
    if connection.in_atomic_block and any(
        callback is new_generation for _savepoints, callback, _robust in connection.run_on_commit
    ):
        return
    transaction.on_commit(new_generation)


def register_signal_handlers():
    # Saving a page covers publishing, unpublishing and moving it too; Wagtail's own signals
    # are heard as well, so that no way of making those changes can leave a page out.
    signals = {
        "saved": (post_save, content_changed),
        "deleted": (post_delete, content_changed),
        "relations": (m2m_changed, content_changed),
        "published": (page_published, page_changed),
        "unpublished": (page_unpublished, page_changed),
        "moved": (post_page_move, page_changed),
    }
    for name, (signal, receiver) in signals.items():
        signal.connect(receiver, dispatch_uid=f"psgsite.page_cache.{name}")
