"""What pages read again and again, read once: once a request, or once a generation.

Wagtail reads every view restriction from the database each time a queryset is made `public()`,
and again before it serves a page; a page built of menus, listings and related stories asked a
dozen times. The site's own querysets (home.models.SitePageQuerySet) and pages (SitePage) read
them here instead. What is read is kept for one request that only reads (GET, HEAD), and read
afresh every time outside one, so that a view that changes pages never reads an old answer.

What every page reads and only a change to the content alters (the site, its settings, the
pages of the menu, the topics and years of the listings, the parts of the frame that every page
shows alike) is kept longer, in this process, for
as long as the page cache's generation lasts: any such change starts a new one once it commits
(psgsite/page_cache.py), and on every server where the cache is Redis. It is kept no later than
the next change due by the clock (a scheduled publication, an expiry), as cached pages are, for
a scheduler with a cache of its own. Where there is no generation (the cache is down) or the
keeping is turned off (PAGE_DATA_KEPT, off in the tests, whose transactions never commit), each
request reads its own.
"""

import time
from contextlib import contextmanager
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.db import DatabaseError, connection
from django.db.models import Q
from django.utils.translation import get_language

from wagtail.models import Locale, PageViewRestriction, Site

_request_memo = ContextVar("request_memo", default=None)
# This process's: key -> (generation, until, value). A few dozen keys; the bound is a safety net.
_kept = {}
MOST_KEPT = 1000


def once_per_request(key, read):
    """read()'s answer, kept under key for the rest of the request."""
    memo = _request_memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def once_per_generation(key, read):
    """read()'s answer, kept under key in this process until the content changes (see above).
    read() must read only what a change to the content starts a new generation for."""
    return once_per_request(key, lambda: _kept_for_generation(key, read))


def _kept_for_generation(key, read):
    if not settings.PAGE_DATA_KEPT or _request_memo.get() is None:
        with _planned_with_their_values():
            return read()
    # Read before the data: data read after a change committed is never kept under the
    # generation before it.
    generation = once_per_request("generation", _current_generation)
    if generation is None:
        with _planned_with_their_values():
            return read()
    now = time.time()
    kept = _kept.get(key)
    if kept is not None and kept[0] == generation and now < kept[1]:
        return kept[2]
    with _planned_with_their_values():
        value = read()
    until = _next_change_due(generation, now)
    if until > now:
        if len(_kept) >= MOST_KEPT:
            _kept.clear()
        _kept[key] = (generation, until, value)
    return value


@contextmanager
def _planned_with_their_values():
    """What is read once a generation is read without prepared statements on PostgreSQL
    (DATABASE_PREPARED_STATEMENTS): run once a generation, it gains nothing from a kept plan,
    and the plan for any values that PostgreSQL may keep for a statement run often reads a
    listing's order (its path LIKE a parameter) in twice the time."""
    if connection.vendor != "postgresql":
        yield
        return
    connection.ensure_connection()
    psycopg_connection = connection.connection
    threshold = psycopg_connection.prepare_threshold
    psycopg_connection.prepare_threshold = None
    try:
        yield
    finally:
        psycopg_connection.prepare_threshold = threshold


def _current_generation():
    from psgsite.page_cache import CACHE_ERRORS, current_generation  # it imports the models

    try:
        return current_generation()
    except CACHE_ERRORS:
        return None  # the page cache's middleware and /health/ report the outage


def _next_change_due(generation, now):
    from psgsite.page_cache import CACHE_ERRORS, next_change_due

    try:
        return next_change_due(generation, now)
    except CACHE_ERRORS:
        return now


def forget_kept():
    """Drops what this process keeps (the tests, whose database starts afresh each time)."""
    _kept.clear()


def view_restrictions():
    """Every page view restriction, with its page."""
    return once_per_generation(
        "view-restrictions", lambda: list(PageViewRestriction.objects.select_related("page"))
    )


def is_public(page):
    """Whether a page lies outside every private section, as `public()` has it."""
    return not any(page.path.startswith(r.page.path) for r in view_restrictions())


def active_locale():
    """The Locale of the language the request is in (its address names it), kept for the
    generation; None where the site has no such locale, so nothing is offered in it."""
    language = get_language()

    def read():
        try:
            return Locale.objects.get_for_language(language)
        except (Locale.DoesNotExist, LookupError):
            return None

    return once_per_generation(("locale", language), read)


def find_site(request):
    """The site that answers the request (Site.find_for_request, which keeps it on the request),
    with its home page (root_page) in the request's language where it is published in it, as
    its own type and with its locale; kept for the generation. None for a host that the site
    does not serve.

    Wagtail looks for the home page in the language (root_page.localized) for each page it
    serves, reading the locale and, for a translation, the page twice more; the home page found
    here is in the language already (SitePage.localized)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return None  # answered with a 400 further on
    port = request.get_port()
    language = get_language()

    def read():
        site = Site._find_for_request(request)
        if site is not None:
            site.root_page = _home_in_language(site.root_page, language)
        return site

    return once_per_generation(("site", host, port, language), read)


def site_root_paths():
    """Site.get_site_root_paths(), kept for the generation: every site and its home page."""
    return once_per_generation("site-root-paths", Site.get_site_root_paths)


def _home_in_language(root, language):
    """The home page's live translation in the language, or else the home page itself, as its
    own type with its locale and its other live translations (home.translations), in one
    query."""
    from .translations import set_translations  # which imports this module

    found = list(
        root.specific_class.objects.select_related("locale")
        .filter(translation_key=root.translation_key)
        .filter(Q(pk=root.pk) | Q(live=True))
    )
    home = next(
        (page for page in found if page.locale.language_code == language and page.live),
        next(page for page in found if page.pk == root.pk),
    )
    set_translations(home, found)
    return home


class RequestMemoMiddleware:
    """Keeps what once_per_request() reads during a GET or HEAD request for the rest of it,
    beginning with the page cache's generation where its middleware read it already, the site
    the request is for and the root paths of every site."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        memo = {}
        generation = getattr(request, "page_cache_generation", None)
        if generation is not None:
            memo["generation"] = generation
        token = _request_memo.set(memo)
        try:
            try:
                site = find_site(request)
            except DatabaseError:
                site = None  # the view meets the failure itself: /health/ reports it
            if site is not None:
                request._wagtail_site = site
                # Where each site's pages are (Wagtail reads it from the cache at the first
                # page address a request makes), kept with the site.
                request._wagtail_cached_site_root_paths = site_root_paths()
                # The request's locale, where the home page is in its language (active_locale).
                locale = site.root_page.locale
                if locale.language_code == get_language():
                    memo[("locale", locale.language_code)] = locale
            return self.get_response(request)
        finally:
            _request_memo.reset(token)
