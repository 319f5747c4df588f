"""Where the frame of every page leads: the join page and the news feed. Looked up once for each
page-cache generation, not on every page: any change to the pages starts a new generation, and a
change by the clock (a scheduled publication) ends the lookup's life as it ends the pages'."""

import math
import time

from django import template
from django.conf import settings

from wagtail.models import Site

from home.models import top_pages
from membership.models import JoinPage
from news.models import NewsIndexPage
from psgsite.page_cache import current_generation, next_change_due, page_cache
from psgsite.redis_cache import CACHE_ERRORS

register = template.Library()


@register.simple_tag(takes_context=True)
def site_links(context):
    """{"join": the live join page's URL, "join_summary": its summary, "join_id": its id, "feed":
    the news feed's URL}, each empty where there is none."""
    request = context.get("request")
    if request is None:
        return {"join": "", "join_summary": "", "join_id": None, "feed": ""}
    if not settings.PAGE_CACHE_SECONDS:
        return look_up(request)
    site = Site.find_for_request(request)
    key = f"site-links:{site.pk if site else ''}"
    now = time.time()
    try:
        generation = current_generation()
        entry = page_cache().get(key)
        if entry is not None and entry["generation"] == generation and now < entry["until"]:
            return entry["links"]
        until = min(now + settings.PAGE_CACHE_SECONDS, next_change_due(generation, now))
    except CACHE_ERRORS:
        return look_up(request)
    links = look_up(request)
    if until > now:
        entry = {"generation": generation, "until": until, "links": links}
        try:
            page_cache().set(key, entry, timeout=math.ceil(until - now))
        except CACHE_ERRORS:
            pass  # the page cache logs its outage; the links were found all the same
    return links


def look_up(request):
    """The join page and the news index, among the pages below the home page."""
    site = Site.find_for_request(request)
    found = {}
    for page in top_pages(site.root_page) if site else []:
        found.setdefault(page.specific_class, page)
    join, index = found.get(JoinPage), found.get(NewsIndexPage)
    return {
        "join": (join.get_url(request) or "") if join else "",
        "join_summary": join.summary if join else "",
        "join_id": join.pk if join else None,
        "feed": index.get_full_url(request) + NewsIndexPage.feed_path() if index else "",
    }
