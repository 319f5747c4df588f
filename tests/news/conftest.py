"""A small news index: a story on Mining, a numbered briefing with a PDF, and an event."""

import datetime

import pytest

from tests.factories import (
    BriefingPageFactory,
    DocumentFactory,
    EventPageFactory,
    NewsPageFactory,
)


@pytest.fixture
def news(news_index):
    mining = NewsPageFactory(parent=news_index, title="Conga mine", date=datetime.date(2013, 3, 8))
    mining.topics.add("Mining")
    mining.save_revision().publish()
    briefing = BriefingPageFactory(
        parent=news_index,
        title="Briefing on land titles",
        date=datetime.date(2012, 10, 15),
        issue_number=12,
        briefing_document=DocumentFactory(),
    )
    briefing.topics.add("Land rights")
    briefing.save_revision().publish()
    EventPageFactory(parent=news_index, title="Annual conference", date=datetime.date(2012, 11, 1))
    return news_index
