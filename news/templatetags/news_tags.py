from django import template

from news.models import NewsIndexPage

register = template.Library()


@register.inclusion_tag("news/includes/latest_news.html")
def latest_news(count=5):
    """The newest live items from the news index, for the home page."""
    index = NewsIndexPage.objects.live().public().first()
    items = index.news_items()[:count] if index else []
    return {"index": index, "items": items}
