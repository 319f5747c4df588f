"""What a page reads several times while it is rendered, read once a request: which parts of the
site are private, above all.

Wagtail reads every view restriction from the database each time a queryset is made `public()`,
and again before it serves a page; a page built of menus, listings and related stories asked a
dozen times. The site's own querysets (home.models.SitePageQuerySet) and pages (SitePage) read
them here instead. What is read is kept for one request that only reads (GET, HEAD), and read
afresh every time outside one, so that a view that changes pages never reads an old answer.
"""

from contextvars import ContextVar

from wagtail.models import PageViewRestriction

_request_memo = ContextVar("request_memo", default=None)


def once_per_request(key, read):
    """read()'s answer, kept under key for the rest of the request."""
    memo = _request_memo.get()
    if memo is None:
        return read()
    if key not in memo:
        memo[key] = read()
    return memo[key]


def view_restrictions():
    """Every page view restriction, with its page."""
    return once_per_request(
        "view-restrictions", lambda: list(PageViewRestriction.objects.select_related("page"))
    )


def is_public(page):
    """Whether a page lies outside every private section, as `public()` has it."""
    return not any(page.path.startswith(r.page.path) for r in view_restrictions())


class RequestMemoMiddleware:
    """Keeps what once_per_request() reads during a GET or HEAD request for the rest of it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        token = _request_memo.set({})
        try:
            return self.get_response(request)
        finally:
            _request_memo.reset(token)
