import json
from urllib.parse import urljoin

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.safestring import mark_safe

from home.models import SiteSettings

register = template.Library()

# The characters that could end a <script> element early or open a comment, escaped as
# Django's json_script does.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
SOCIAL_IMAGE = "fill-1200x630"


@register.inclusion_tag("includes/seo.html", takes_context=True)
def seo_tags(context):
    """Description, Open Graph and Twitter card tags, and JSON-LD structured data, for the
    page being shown (or, on pages that are not Wagtail pages, for the site)."""
    request = context["request"]
    page = context.get("page")
    organisation = SiteSettings.for_request(request)
    # A view without a page (search) gives its own.
    description = context.get("meta_description", "")
    image_url = ""
    structured = None
    if page is not None and hasattr(page, "get_full_url"):
        description = (
            page.search_description or getattr(page, "summary", "") or getattr(page, "intro", "")
        )
        image = getattr(page, "listing_image", None)
        if image is not None:
            # On the site's own address, like the canonical link (not the request's host).
            image_url = urljoin(page.get_full_url(request), image.get_rendition(SOCIAL_IMAGE).url)
        if hasattr(page, "structured_data"):
            structured = page.structured_data(request, organisation, image_url)
    return {
        "title": context.get("heading") or (page.seo_title or page.title if page else ""),
        "description": description,
        "url": context.get("canonical_url") or (page.get_full_url(request) if page else ""),
        "type": getattr(page, "open_graph_type", "website"),
        "image_url": image_url,
        "site_name": organisation.organisation_name,
        "structured_data": structured,
    }


@register.filter
def json_ld(data):
    """JSON for a <script type="application/ld+json"> element, safe to place in HTML."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES))  # noqa: S308
