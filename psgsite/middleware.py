from csp.middleware import CSPMiddleware

from django.conf import settings
from django.urls import reverse


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
