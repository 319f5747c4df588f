from csp.middleware import CSPMiddleware

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.urls import reverse
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language


class ContentSecurityPolicyMiddleware(CSPMiddleware):
    """The site's strict policy everywhere but the admin, whose scripts need a relaxed one. A
    page rendered as the admin's preview keeps the strict policy but may be framed by the admin."""

    def get_policy_parts(self, request, response, report_only=False):
        parts = super().get_policy_parts(request, response, report_only=report_only)
        if report_only:
            return parts
        if getattr(request, "is_preview", False):
            parts.replace = {**(parts.replace or {}), "frame-ancestors": ["'self'"]}
        elif request.path.startswith(reverse("wagtailadmin_home")):
            parts.config = settings.ADMIN_CONTENT_SECURITY_POLICY["DIRECTIVES"]
        return parts


class PrivateWhenLoggedInMiddleware:
    """What a logged-in user is sent (the editors' bar, a preview, the admin) is marked private,
    so that no shared cache (a CDN, a proxy) keeps it for someone else."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        # Only a request with a session can be logged in; others are not made to read one.
        if settings.SESSION_COOKIE_NAME in request.COOKIES and request.user.is_authenticated:
            patch_cache_control(response, private=True)
        return response


class PathLanguageMiddleware(LocaleMiddleware):
    """The language the address names: Spanish under /es/, English everywhere else, whatever
    the browser asks for (i18n_patterns without a prefix for the default language ignores it).
    So a page does not vary with the reader's Accept-Language, and Django's own middleware's
    Vary header, which would keep pages out of the page cache and shared caches, is not sent."""

    def process_response(self, request, response):
        response.headers.setdefault("Content-Language", get_language())
        return response
