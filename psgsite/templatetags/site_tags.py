"""The frame of every page: where it leads (the join page and the news feed, both among the pages
just below the home page, which the menu reads anyway (home.models.top_pages): they cost no
query of their own), and its parts that are the same on every page, rendered once a generation."""

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


@register.simple_tag(takes_context=True)
def join_prompt_shown(context):
    """Whether the footer invites the reader to join: on every page but the join page."""
    join = (context.get("links") or {}).get("join")
    request = context.get("request")
    return bool(join) and (request is None or request.path != join)


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


@register.tag
def frame(parser, token):
    """{% frame "name" value... %}...{% endframe %}: a part of the frame that every page shows
    alike, rendered once a generation for each site, language and the values after its name,
    and kept in this process (home.visibility.once_per_generation) as the menu's pages are.
    What it shows must come from the content alone (the site's settings, its pages), never from
    the page shown, the reader or the moment: a value that differs from page to page goes after
    the name."""
    bits = token.split_contents()
    if len(bits) < 2:
        raise template.TemplateSyntaxError("{% frame %} needs the part's name")
    nodelist = parser.parse(("endframe",))
    parser.delete_first_token()
    return FrameNode(nodelist, [parser.compile_filter(bit) for bit in bits[1:]])


class FrameNode(template.Node):
    def __init__(self, nodelist, key):
        self.nodelist = nodelist
        self.key = key

    def render(self, context):
        request = context.get("request")
        site = Site.find_for_request(request) if request is not None else None
        if site is None:
            return self.nodelist.render(context)
        key = ("frame", site.pk, get_language(), *(part.resolve(context) for part in self.key))
        return once_per_generation(key, lambda: self.nodelist.render(context))
