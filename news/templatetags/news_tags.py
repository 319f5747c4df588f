from django import template

from news.models import NewsIndexPage

register = template.Library()


@register.inclusion_tag("news/includes/latest_news.html", takes_context=True)
def latest_news(context, count=5):
    """The newest live items from the news index, for the home page."""
    index = NewsIndexPage.objects.live().public().first()
    items = index.news_items().with_listing_images()[:count] if index else []
    return {"index": index, "items": items, "request": context["request"]}


@register.inclusion_tag("news/includes/feed_links.html", takes_context=True)
def news_feed_links(context):
    """Autodiscovery links for the feeds of all the news, for pages outside the news index."""
    index = NewsIndexPage.objects.live().public().first()
    if index is None:
        return {"feeds": []}
    return {"feeds": index.feed_links(context["request"], "all_items", heading=index.title)}
