from django import template
from django.utils.translation import get_language, gettext

from wagtail.models import Page, Site

from home.models import top_pages
from home.visibility import is_public, once_per_generation

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The home page and its live children that editors put in menus ("Show in menus"), each
    followed by the sections a page type offers at addresses of its own (the news index's
    events listing: Page.menu_sections), which cost no query.

    Each entry says whether it is the page shown ("page"), or the section it lies in ("true").
    A page or listing that belongs to such a section (menu_section in the context, or on the
    page) marks that section, not the page it hangs from; the section's own listing says so
    (menu_section_listing)."""
    request = context["request"]
    site = Site.find_for_request(request)
    current = context.get("page")
    if site is None:
        return {"items": []}
    section = context.get("menu_section") or getattr(current, "menu_section", None)
    items = []
    for page, url, page_title, sections in _menu_entries(request, site):
        in_page = isinstance(current, Page) and _is_section_of(page, current)
        in_section = in_page and section in {key for key, _, _ in sections}
        state = None
        if in_page and not in_section:
            state = "page" if page.pk == current.pk and not section else "true"
        items.append({"url": url, "title": page_title, "state": state})
        for key, title, subpath in sections:
            state = None
            if in_section and key == section:
                is_listing = page.pk == current.pk and context.get("menu_section_listing")
                state = "page" if is_listing else "true"
            items.append({"url": url + subpath, "title": title, "state": state})
    return {"items": items}


def _menu_entries(request, site):
    """The menu's pages, each with its address, title and sections, worked out once a
    generation for each site and language: the same on every page, which only marks where it
    is."""

    def read():
        root = site.root_page
        return [
            (
                page,
                page.get_url(request),
                gettext("Home") if page is root else page.title,
                getattr(page.specific_class, "menu_sections", lambda: [])(),
            )
            for page in [root, *(page for page in top_pages(root) if page.show_in_menus)]
        ]

    return once_per_generation(("menu", site.pk, get_language()), read)


@register.inclusion_tag("includes/section_links.html", takes_context=True)
def section_links(context):
    """The site's main sections, for a reader who is lost (the page-not-found page): the home
    page, the live pages of the menu, and the listings their types offer
    (Page.directory_sections)."""
    request = context["request"]
    site = Site.find_for_request(request)
    if site is None:
        return {"items": []}
    root = site.root_page
    items = []
    for page in [root, *(page for page in top_pages(root) if page.show_in_menus)]:
        url = page.get_url(request)
        items.append({"url": url, "title": gettext("Home") if page is root else page.title})
        sections = getattr(page.specific_class, "directory_sections", lambda: [])()
        items.extend({"url": url + subpath, "title": title} for _, title, subpath in sections)
    return {"items": items}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """The trail from the home page to the current page; nothing on the home page itself.
    A listing at an address below its page (an events listing) gives the crumbs after the page
    in the context (breadcrumbs, breadcrumb_current); a page may add crumbs between its parent
    and itself (Page.breadcrumbs_after_parent)."""
    page = context.get("page")
    if not isinstance(page, Page) or page.depth <= 2:
        return {"ancestors": [], "current": ""}
    request = context["request"]
    # The pages above one found by its address came with it (HomePage.route).
    above = getattr(page, "route_ancestors", None)
    if above is None:
        above = page.get_ancestors().filter(depth__gte=2)
    ancestors = [
        {
            "title": gettext("Home") if ancestor.depth == 2 else ancestor.title,
            "url": ancestor.get_url(request),
        }
        for ancestor in above
        if ancestor.depth >= 2 and ancestor.live and is_public(ancestor)
    ]
    trail = context.get("breadcrumbs")
    if trail:
        return {"ancestors": [*ancestors, *trail], "current": context["breadcrumb_current"]}
    if ancestors and hasattr(page, "breadcrumbs_after_parent"):
        ancestors.extend(page.breadcrumbs_after_parent(ancestors[-1]["url"]))
    return {"ancestors": ancestors, "current": page.title}


def _is_section_of(menu_item, page):
    """True where the current page is the menu item or lies beneath it."""
    if menu_item.depth <= 2:
        return menu_item.pk == page.pk
    return page.path.startswith(menu_item.path)
