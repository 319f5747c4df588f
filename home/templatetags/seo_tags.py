import json
from urllib.parse import urljoin

from django import template
from django.core.serializers.json import DjangoJSONEncoder
from django.templatetags.static import static
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _

from wagtail.models import Site

from home.models import SiteSettings

register = template.Library()

# The characters that could end a <script> element early or open a comment, escaped as
# Django's json_script does.
_SCRIPT_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}
SOCIAL_IMAGE = "fill-1200x630"
# Shown where neither the page nor the site settings give an image (design/images.py draws it).
DEFAULT_SOCIAL_IMAGE = {
    "path": "images/social-default.png",
    "width": 1200,
    "height": 630,
    "alt": _(
        "Peru Support Group: human rights, indigenous rights and sustainable development in Peru"
    ),
}


@register.inclusion_tag("includes/seo.html", takes_context=True)
def seo_tags(context):
    """The canonical link, description, Open Graph and Twitter card tags, and JSON-LD
    structured data, for the page being shown (or, on pages that are not Wagtail pages, for
    the site)."""
    request = context["request"]
    page = context.get("page")
    organisation = SiteSettings.for_request(request)
    # A view without a page (search) gives its own.
    description = context.get("meta_description", "")
    structured = None
    is_page = page is not None and hasattr(page, "get_full_url")
    # On the site's own address, not the request's host; found with the request, whose site
    # Wagtail has already looked up (without it, each call reads the sites from the cache).
    page_url = page.get_full_url(request) if is_page else None
    canonical = context.get("canonical_url") or page_url or ""
    base = page_url or site_root_url(request)
    image = social_image(base, getattr(page, "listing_image", None), organisation.social_image)
    if is_page:
        description = (
            page.search_description or getattr(page, "summary", "") or getattr(page, "intro", "")
        )
        if hasattr(page, "structured_data"):
            structured = page.structured_data(request, organisation, image["own_url"])
    return {
        "title": context.get("heading") or (page.seo_title or page.title if page else ""),
        "description": description,
        "url": canonical,
        "type": getattr(page, "open_graph_type", "website"),
        "image": image,
        "site_name": organisation.organisation_name,
        "structured_data": structured,
    }


def site_root_url(request):
    site = Site.find_for_request(request)
    return site.root_url + "/" if site else request.build_absolute_uri("/")


def social_image(base, *images):
    """The image that a share of the page shows: the first of images that social sites can show
    (not an SVG), cropped to 1200 by 630, or the site's default. "own_url" is the page's or the
    site's own image only, for structured data, which never names the default."""
    for image in images:
        if image is not None and not image.is_svg():
            rendition = image.get_rendition(SOCIAL_IMAGE)
            url = urljoin(base, rendition.url)
            return {
                "url": url,
                "own_url": url,
                "width": rendition.width,
                "height": rendition.height,
                "alt": image.default_alt_text,
            }
    default = DEFAULT_SOCIAL_IMAGE
    return {**default, "url": urljoin(base, static(default["path"])), "own_url": ""}


@register.filter
def json_ld(data):
    """JSON for a <script type="application/ld+json"> element, safe to place in HTML."""
    return mark_safe(json.dumps(data, cls=DjangoJSONEncoder).translate(_SCRIPT_ESCAPES))  # noqa: S308
