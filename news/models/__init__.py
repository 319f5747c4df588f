from .events import EventPage, EventQuerySet
from .index import NewsIndexPage
from .items import NewsItemPage, NewsItemTopic, NewsPage

__all__ = [
    "EventPage",
    "EventQuerySet",
    "NewsIndexPage",
    "NewsItemPage",
    "NewsItemTopic",
    "NewsPage",
]
