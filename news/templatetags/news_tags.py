from urllib.parse import quote, urlencode

from django import template
from django.conf import settings
from django.db.models import Subquery, prefetch_related_objects
from django.utils.translation import get_language, override
from django.utils.translation import gettext as _

from wagtail.models import Page

from home.visibility import is_public
from news.feeds import FEED_TYPES
from news.models import NewsIndexPage, NewsPage

register = template.Library()

LATEST_NEWS = 4
LATEST_BRIEFINGS = 3
UPCOMING_EVENTS = 3


@register.simple_tag(takes_context=True)
def home_news(context, lead_story_id=None):
    """What the home page shows of the news in the request's language, each part in a query of
    its own whatever the size of the archive: the lead story (the pinned one, or its translation
    in the language, while it is live and public, else the newest news item or briefing), the
    latest news items, briefings and upcoming events without it, the addresses of their
    listings, feeds and calendar, and the join page. In a language the news is not published
    in, only the address of the news in the site's own language (main_language_url)."""
    request = context["request"]
    index = NewsIndexPage.live_index()
    news = {}
    if index is None:
        if get_language() != settings.LANGUAGE_CODE:
            with override(settings.LANGUAGE_CODE):
                main = NewsIndexPage.live_index()
                if main is not None:
                    news["main_language_url"] = main.get_url(request)
        return news
    stories = (
        NewsPage.objects.child_of(index)
        .live()
        .public()
        .select_related("briefing_document", "listing_image")
        .defer_streamfields()
        .order_by("-date", "-pk")
    )
    # One more of each than is shown, in case the lead is among them.
    newest = list(stories.filter(is_briefing=False)[: LATEST_NEWS + 1])
    briefings = list(stories.filter(is_briefing=True)[: LATEST_BRIEFINGS + 1])
    lead = None
    if lead_story_id:
        # A home page's translation may pin the story it was copied with: the story in the
        # index's language is the one that shares its translation key, itself included.
        pinned = Page.objects.filter(pk=lead_story_id).values("translation_key")
        lead = stories.filter(translation_key=Subquery(pinned)).first()
    if lead is None and (newest or briefings):
        lead = max(newest[:1] + briefings[:1], key=lambda story: (story.date, story.pk))
    if lead is not None and lead.listing_image is not None:
        prefetch_related_objects([lead.listing_image], "renditions")
    events = index.events().upcoming()
    url = index.get_url(request)
    briefings = [story for story in briefings if story != lead][:LATEST_BRIEFINGS]
    events = list(events[:UPCOMING_EVENTS])
    news.update(
        {
            "index": index,
            "lead": lead,
            "latest": [story for story in newest if story != lead][:LATEST_NEWS],
            "briefings": briefings,
            "any_briefings": bool(briefings) or getattr(lead, "is_briefing", False),
            "events": events,
            "all_url": url,
            "briefings_url": url + index.reverse_subpage("by_kind", args=["briefings"]),
            "events_url": url + index.reverse_subpage("upcoming_events"),
            # Offered only while the calendar holds an event; a dated upcoming one means it does.
            "calendar_url": index.calendar_url(
                request, has_events=any(event.start for event in events) or None
            ),
            "feeds": [
                {
                    "label": label,
                    "type": content_type,
                    "url": url + index.reverse_subpage("feed", args=[name]),
                }
                for name, (label, content_type) in FEED_TYPES.items()
            ],
        }
    )
    return news


@register.simple_tag(takes_context=True)
def article_extras(context, page):
    """What follows a news item or event: its topics, each linked to its listing where it has
    one, related stories, share links and the join page, in a fixed number of queries."""
    request = context["request"]
    topics = page.sorted_topics()
    # Known without a query when the page was found by its address (HomePage.route).
    index = page.get_parent()
    listed, index_url = set(), ""
    if index is not None and issubclass(index.specific_class, NewsIndexPage) and topics:
        ids = [topic.pk for topic in topics]
        if page.live and is_public(page) and not getattr(request, "is_preview", False):
            listed = set(ids)  # this page is in each of its topics' listings
        else:
            # A topic only a draft, a preview or a private page carries has no listing (a 404).
            listed = {topic.pk for topic in index.specific.topics()} & set(ids)
        index_url = index.get_url(request)
    return {
        "topics": [
            {
                "name": topic.shown_name,
                "url": index_url + NewsIndexPage.topic_path(topic.slug)
                if topic.pk in listed
                else None,
            }
            for topic in topics
        ],
        "related": page.related_stories(topics),
        "share_links": share_links(page.get_full_url(request), page.title),
    }


def share_links(url, title):
    """Links that hand the page to each service's own sharing form: no script, no tracker.
    Each gives the service's name and whether it opens in a new tab (all but email)."""
    if not url:
        return []
    text = f"{title} {url}"

    def query(**parameters):
        return urlencode(parameters, quote_via=quote)

    return [
        {"name": _("Email"), "url": "mailto:?" + query(subject=title, body=url), "new_tab": False},
        *(
            {"name": name, "url": address, "new_tab": True}
            for name, address in [
                ("Bluesky", "https://bsky.app/intent/compose?" + query(text=text)),
                ("X (Twitter)", "https://x.com/intent/tweet?" + query(url=url, text=title)),
                ("Facebook", "https://www.facebook.com/sharer/sharer.php?" + query(u=url)),
                ("LinkedIn", "https://www.linkedin.com/sharing/share-offsite/?" + query(url=url)),
                ("WhatsApp", "https://wa.me/?" + query(text=text)),
            ]
        ),
    ]


@register.inclusion_tag("news/includes/feed_links.html", takes_context=True)
def news_feed_links(context):
    """Autodiscovery links for the feeds of all the news, for pages outside the news index."""
    index = NewsIndexPage.live_index()
    if index is None:
        return {"feeds": []}
    return {"feeds": index.feed_links(context["request"], "all_items", heading=index.title)}
