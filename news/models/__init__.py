from .events import EventPage, EventQuerySet
from .index import NewsIndexPage
from .items import BriefingPage, NewsItemPage, NewsItemTopic, NewsPage
from .topics import Topic

__all__ = [
    "BriefingPage",
    "EventPage",
    "EventQuerySet",
    "NewsIndexPage",
    "NewsItemPage",
    "NewsItemTopic",
    "NewsPage",
    "Topic",
]
