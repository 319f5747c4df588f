"""The compact subscribe form that pages carry, with the choices that fit where it is."""

from django import template
from django.urls import reverse
from django.utils.translation import get_language, gettext, to_locale
from django.utils.translation import gettext_lazy as _

from membership.forms import started_token
from news.models import EventPage, NewsIndexPage, NewsItemPage, NewsPage

from ..forms import FOLLOW_LABELS

register = template.Library()

FOOTER_CHOICES = ("news", "briefings", "events")
# What a news listing offers, by its route (news/models/index.py) and, for a kind, its kind.
KIND_CHOICES = {"news": ("news",), "briefings": ("briefings", "news"), "events": ("events",)}
KIND_HEADINGS = {
    "news": _("Get all news and briefings by email"),
    "briefings": _("Get briefings by email"),
    "events": _("Get events by email"),
}


@register.inclusion_tag("alerts/includes/subscribe_form.html", takes_context=True)
def subscribe_form(context, place, page=None):
    """The form for `place`: "footer" (every page but the alerts' own), "listing" (a news or
    events listing; `page` is the news index) or "article" (`page` is the item). The first
    choice comes ticked. It carries no CSRF token, so that pages stay in the page cache."""
    request = context.get("request")
    action = reverse("alerts:subscribe")
    if request is None or (place == "footer" and not in_footer(request, context, action)):
        return {"signup": None}
    if place == "article":
        heading, choices = article_choices(page)
    elif place == "listing":
        heading, choices = listing_choices(request, context.get("topic"))
    else:
        heading, choices = gettext("News by email"), [follow(name) for name in FOOTER_CHOICES]
    for number, choice in enumerate(choices):
        choice["id"] = f"alerts-{place}-{number}"
        choice["checked"] = number == 0
    return {
        "signup": {
            "place": place,
            "heading": heading,
            "choices": choices,
            "started": started_token(),
            "action": action,
        },
        "settings": context.get("settings"),
        "request": request,
    }


def in_footer(request, context, action):
    """Every page's footer has the form but the alerts' own pages and the join page's, whose
    forms ask for an address already (the footer leaves out its join prompt there too), and the
    news listings and items, which have a form of their own that fits them: one page, one form."""
    if isinstance(context.get("page"), (NewsIndexPage, NewsItemPage)):
        return False
    join = (context.get("links") or {}).get("join")
    return not request.path.startswith(action) and not (join and request.path.startswith(join))


def follow(name):
    return {"name": name, "value": "on", "label": FOLLOW_LABELS[name]}


def topic_choice(topic):
    return {"name": "topics", "value": topic.pk, "label": topic.shown_name}


def article_choices(page):
    """An item's own topics and the news of its kind."""
    topics = [topic_choice(topic) for topic in page.sorted_topics()]
    if isinstance(page, EventPage):
        return gettext("Get events by email"), [follow("events"), *topics]
    kinds = ["briefings", "news"] if isinstance(page, NewsPage) and page.is_briefing else ["news"]
    return gettext("Get our news by email"), [*topics, *(follow(name) for name in kinds)]


def listing_choices(request, topic=None):
    """What the listing shows: a topic's listing (which gives its topic) offers the topic, a
    kind's the kind."""
    match = getattr(request, "routable_resolver_match", None)
    route = match.url_name if match else ""
    kwargs = match.kwargs if match else {}
    if route == "by_topic" and topic is not None:
        heading = gettext("Get news on %(topic)s by email") % {"topic": topic.shown_name}
        return heading, [topic_choice(topic), follow("news")]
    if route == "by_kind" and kwargs.get("kind") in KIND_CHOICES:
        names = KIND_CHOICES[kwargs["kind"]]
        return KIND_HEADINGS[names[0]], [follow(n) for n in names]
    if route in ("upcoming_events", "past_events"):
        return gettext("Get events by email"), [follow("events")]
    return gettext("Get our news by email"), [follow(name) for name in FOOTER_CHOICES]


@register.simple_tag
def html_lang():
    """The active language as an HTML lang attribute writes it (BCP 47): "en-GB", "es"."""
    return to_locale(get_language()).replace("_", "-")
