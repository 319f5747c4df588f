from django import template

from wagtail.models import Page, Site

register = template.Library()


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """The home page and its live children that editors put in menus ("Show in menus")."""
    request = context["request"]
    site = Site.find_for_request(request)
    current = context.get("page")
    if site is None:
        return {"items": [], "current": current}
    root = site.root_page
    items = [root, *root.get_children().live().public().in_menu()]
    # The request lets {% pageurl %} look up the sites' root paths once, not once a link.
    return {"items": items, "current": current, "request": request}


@register.inclusion_tag("includes/breadcrumbs.html", takes_context=True)
def breadcrumbs(context):
    """The trail from the home page to the current page; nothing on the home page itself."""
    page = context.get("page")
    if not isinstance(page, Page) or page.depth <= 2:
        return {"ancestors": [], "page": page}
    ancestors = page.get_ancestors().filter(depth__gte=2).live().public()
    return {"ancestors": ancestors, "page": page, "request": context["request"]}


@register.filter
def is_section_of(menu_item, page):
    """True where the current page is the menu item or lies beneath it (for aria-current)."""
    if not isinstance(page, Page):
        return False
    if menu_item.depth <= 2:
        return menu_item.pk == page.pk
    return page.path.startswith(menu_item.path)
