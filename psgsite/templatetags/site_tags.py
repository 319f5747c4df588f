"""Where the frame of every page leads: the join page and the news feed. Both are among the pages
just below the home page, which the menu reads anyway (home.models.top_pages): they cost no
query of their own."""

from django import template
from django.utils.translation import get_language

from wagtail.models import Site

from home.models import top_pages
from home.visibility import once_per_generation
from membership.models import JoinPage
from news.models import NewsIndexPage

register = template.Library()


@register.simple_tag(takes_context=True)
def site_links(context):
    """{"home": the home page's URL in the request's language, "join": the live join page's
    URL, "join_summary": its summary, "join_id": its id, "feed": the news feed's URL}, each
    empty where there is none. Worked out once a generation for each site and language: every
    page shows them, and only a change to the content changes them."""
    request = context.get("request")
    site = Site.find_for_request(request) if request is not None else None
    if site is None:
        return {"home": "", "join": "", "join_summary": "", "join_id": None, "feed": ""}
    return once_per_generation(
        ("site-links", site.pk, get_language()), lambda: _links(request, site)
    )


def _links(request, site):
    found = {}
    for page in top_pages(site.root_page):
        found.setdefault(page.specific_class, page)
    join, index = found.get(JoinPage), found.get(NewsIndexPage)
    return {
        "home": site.root_page.get_url(request) or "",
        "join": (join.get_url(request) or "") if join else "",
        "join_summary": join.summary if join else "",
        "join_id": join.pk if join else None,
        "feed": index.get_full_url(request) + NewsIndexPage.feed_path() if index else "",
    }
