"""The news in Spanish under /es/: the Spanish news index lists, feeds and puts in its calendar
its own items alone, as the English index does its own, and the Spanish home page's news comes
from it."""

import datetime
import re

import feedparser
import pytest
from icalendar import Calendar

from django.core.exceptions import ValidationError
from django.utils import timezone

from news.models import NewsPage, Topic
from tests.conftest import in_spanish
from tests.factories import BriefingPageFactory, NewsIndexPageFactory, NewsPageFactory

pytestmark = pytest.mark.django_db

ENGLISH_TITLES = ["Conga mine", "Water protest", "Annual conference", "Briefing on land titles"]


def translate(index, english_title, **fields):
    """The item of the English index with this title, in Spanish."""
    return in_spanish(index.get_children().get(title=english_title).specific, **fields)


@pytest.fixture
def english(news):
    """The small news index (tests/news/conftest.py), its event coming up, and one more story
    sharing the Conga story's topic."""
    event = news.get_children().get(title="Annual conference").specific
    event.start = timezone.now() + datetime.timedelta(days=5)
    event.save_revision().publish()
    water = NewsPageFactory(parent=news, title="Water protest", date=datetime.date(2012, 5, 1))
    water.topics.add("Mining")
    water.save_revision().publish()
    return news


@pytest.fixture
def noticias(english, spanish_home):
    """The index's Spanish translation, holding the stories and the event in Spanish (not the
    briefing); then an English story that is never translated."""
    spanish_index = in_spanish(english, title="Noticias", slug="noticias")
    for english_title, title, slug in [
        ("Conga mine", "La mina Conga", "la-mina-conga"),
        ("Water protest", "Protesta por el agua", "protesta"),
        ("Annual conference", "Conferencia anual", "conferencia-anual"),
    ]:
        translate(english, english_title, title=title, slug=slug, summary=f"Resumen: {title}.")
    NewsPageFactory(parent=english, title="Only in English", date=datetime.date(2013, 1, 1))
    return spanish_index


def test_each_listing_lists_the_items_in_its_own_language(client, noticias):
    spanish = ["La mina Conga", "Protesta por el agua", "Conferencia anual"]
    english = [*ENGLISH_TITLES, "Only in English"]
    for url, expected in [
        ("/es/noticias/", spanish),
        ("/es/noticias/topic/mining/", ["La mina Conga", "Protesta por el agua"]),
        ("/es/noticias/kind/news/", ["La mina Conga", "Protesta por el agua"]),
        ("/es/noticias/kind/events/", ["Conferencia anual"]),
        ("/es/noticias/2013/", ["La mina Conga"]),
        ("/es/noticias/events/", ["Conferencia anual"]),
        ("/news/", english),
        ("/news/events/", ["Annual conference"]),
    ]:
        html = client.get(url).content.decode()
        assert [title for title in spanish + english if title in html] == expected, url


def test_a_filter_with_nothing_in_spanish_finds_nothing(client, noticias):
    # The briefing and the story of 2013 are in English only.
    assert client.get("/es/noticias/topic/land-rights/").status_code == 404
    assert client.get("/news/topic/land-rights/").status_code == 200
    assert "Only in English" in client.get("/news/2013/").content.decode()
    html = client.get("/es/noticias/").content.decode()
    assert 'href="/es/noticias/2013/"' in html and 'href="/es/noticias/2012/"' in html


def test_an_empty_spanish_listing_says_so_in_spanish(client, noticias):
    html = client.get("/es/noticias/kind/briefings/").content.decode()
    assert "Aún no hay informes." in html
    assert "Briefing on land titles" not in html


def test_an_empty_spanish_index_says_so_in_spanish(client, home, spanish_home):
    index = NewsIndexPageFactory(parent=home, slug="news", title="News")
    NewsPageFactory(parent=index, title="Conga mine")
    in_spanish(index, title="Noticias", slug="noticias")
    html = client.get("/es/noticias/").content.decode()
    assert "Aún no hay noticias." in html
    assert "Conga mine" not in html
    assert (
        "No se han anunciado próximos eventos con fecha."
        in client.get("/es/noticias/events/").content.decode()
    )


def lead_story(html):
    match = re.search(r'<h2 class="lead-story__title"><a href="[^"]*">([^<]*)</a>', html)
    return match and match.group(1)


def test_the_spanish_home_page_shows_the_spanish_news(client, noticias):
    html = client.get("/es/").content.decode()
    assert lead_story(html) == "La mina Conga"
    assert "Protesta por el agua" in html and "Conferencia anual" in html
    for title in [*ENGLISH_TITLES, "Only in English"]:
        assert title not in html
    assert 'href="/es/noticias/feed/rss/"' in html


def test_a_pinned_story_leads_in_spanish_in_its_translation(client, english, noticias):
    """A home page's translation is made with the English story pinned."""
    spanish_home = noticias.get_parent().specific
    for home in (english.get_parent().specific, spanish_home):
        home.lead_story = english.get_children().get(title="Water protest").specific
        home.save_revision().publish()
    assert lead_story(client.get("/").content.decode()) == "Water protest"
    assert lead_story(client.get("/es/").content.decode()) == "Protesta por el agua"
    # Pinned with no translation, the newest Spanish story leads in its place.
    spanish_home.lead_story = english.get_children().get(title="Briefing on land titles").specific
    spanish_home.save_revision().publish()
    html = client.get("/es/").content.decode()
    assert lead_story(html) == "La mina Conga"
    assert "Briefing on land titles" not in html


def related_stories(html):
    return re.findall(r'<h3 class="related__title"><a href="[^"]*">([^<]*)</a>', html)


def test_related_stories_are_in_the_stories_language(client, noticias):
    assert related_stories(client.get("/es/noticias/la-mina-conga/").content.decode()) == [
        "Protesta por el agua"
    ]
    assert related_stories(client.get("/news/conga-mine/").content.decode()) == ["Water protest"]


def parse(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    feed = feedparser.parse(response.content)
    assert not feed.bozo, feed.get("bozo_exception")
    return feed


@pytest.mark.parametrize("feed_format", ["rss", "atom"])
def test_the_spanish_feeds_are_in_spanish(client, noticias, feed_format):
    feed = parse(client, f"/es/noticias/feed/{feed_format}/")
    assert feed.feed.language == "es"
    assert feed.feed.title == "Noticias | Peru Support Group"
    assert feed.feed.link == "http://localhost/es/noticias/"
    if feed_format == "rss":
        assert feed.feed.description == "Noticias, informes y eventos del Peru Support Group."
    assert [entry.title for entry in feed.entries] == [
        "La mina Conga",
        "Evento: Conferencia anual",
        "Protesta por el agua",
    ]
    assert feed.entries[0].link == "http://localhost/es/noticias/la-mina-conga/"
    topic = parse(client, f"/es/noticias/topic/mining/feed/{feed_format}/")
    assert topic.feed.title == "Tema: Mining | Peru Support Group"
    assert [entry.title for entry in topic.entries] == ["La mina Conga", "Protesta por el agua"]


@pytest.mark.parametrize("feed_format", ["rss", "atom"])
def test_the_english_feeds_are_as_they_were_in_english(client, english, feed_format):
    urls = [f"/news/feed/{feed_format}/", f"/news/topic/mining/feed/{feed_format}/"]
    before = [client.get(url).content for url in urls]
    feed = feedparser.parse(before[0])
    assert feed.feed.language == "en-gb"
    assert [entry.title for entry in feed.entries] == [
        "Conga mine",
        "Event: Annual conference",
        "Briefing 12: Briefing on land titles",
        "Water protest",
    ]
    spanish_home = in_spanish(english.get_parent(), title="Inicio")
    assert spanish_home.url == "/es/"
    in_spanish(english, title="Noticias", slug="noticias")
    translate(english, "Conga mine", title="La mina Conga", slug="la-mina-conga")
    assert [client.get(url).content for url in urls] == before


def calendar(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    return Calendar.from_ical(response.content)


def test_the_spanish_calendar_is_in_spanish(client, noticias):
    spanish = calendar(client, "/es/noticias/events/calendar/")
    assert str(spanish["X-WR-CALNAME"]) == "Eventos del Peru Support Group"
    events = list(spanish.walk("VEVENT"))
    assert [str(event["SUMMARY"]) for event in events] == ["Conferencia anual"]
    assert str(events[0]["URL"]) == "http://localhost/es/noticias/conferencia-anual/"
    one = calendar(client, "/es/noticias/conferencia-anual/calendar/")
    assert str(one["X-WR-CALNAME"]) == "Eventos del Peru Support Group"
    english = calendar(client, "/news/events/calendar/")
    assert str(english["X-WR-CALNAME"]) == "Peru Support Group events"
    assert [str(event["SUMMARY"]) for event in english.walk("VEVENT")] == ["Annual conference"]


def test_a_briefing_in_spanish_keeps_its_number(noticias, english):
    briefing = english.get_children().get(title="Briefing on land titles").specific
    spanish = in_spanish(briefing, title="Informe sobre títulos de tierras", slug="informe-12")
    spanish.full_clean()
    assert spanish.issue_number == briefing.issue_number == 12
    another = BriefingPageFactory.build(title="Another", issue_number=12)
    with pytest.raises(ValidationError, match="Briefing 12 already exists"):
        english.add_child(instance=another)


# Topics: one row for both languages, named in Spanish on Spanish pages where it has a Spanish name.


@pytest.fixture
def named_topics(noticias):
    """Mining and Water with Spanish names, Land rights without, on the Conga story in both
    languages."""
    mining = Topic.objects.get(name="Mining")
    mining.name_es = "Minería"
    mining.description = "Mines and their neighbours."
    mining.description_es = "Las minas y sus vecinos."
    mining.save()
    Topic.objects.create(name="Water", name_es="Agua")
    for story in NewsPage.objects.filter(slug__in=["conga-mine", "la-mina-conga"]):
        story.topics.add("Water", "Land rights")
        story.save_revision().publish()
    return noticias


def topics_shown(html):
    section = html.split('<section class="topics"')[1].split("</section>")[0]
    return re.findall(r'<(?:a|span) class="tag[^"]*"[^>]*>([^<]*)<', section)


def test_an_item_in_spanish_shows_its_topics_spanish_names_in_their_order(client, named_topics):
    # Land rights has no Spanish name: its English one is shown.
    spanish = client.get("/es/noticias/la-mina-conga/").content.decode()
    assert topics_shown(spanish) == ["Agua", "Land rights", "Minería"]
    assert 'href="/es/noticias/topic/water/">Agua</a>' in spanish
    # Its email alert form offers its topics by the same names.
    assert '<label for="alerts-article-0">Agua</label>' in spanish
    english = client.get("/news/conga-mine/").content.decode()
    assert topics_shown(english) == ["Land rights", "Mining", "Water"]
    assert "Minería" not in english and "Agua" not in english


def test_a_topic_listing_in_spanish_is_headed_and_described_in_spanish(client, named_topics):
    spanish = client.get("/es/noticias/topic/mining/").content.decode()
    assert "<h1>Tema: Minería</h1>" in spanish
    assert '<p class="lede">Las minas y sus vecinos.</p>' in spanish
    assert '<meta property="og:title" content="Tema: Minería">' in spanish
    assert "Reciba noticias sobre Minería por correo electrónico" in spanish
    filters = re.findall(r'href="/es/noticias/topic/[^/]+/"[^>]*>([^<]*)<', spanish)
    assert filters[:3] == ["Agua", "Land rights", "Minería"]
    english = client.get("/news/topic/mining/").content.decode()
    assert "<h1>Topic: Mining</h1>" in english
    assert '<p class="lede">Mines and their neighbours.</p>' in english
    assert "Minería" not in english and "Las minas" not in english


def test_a_topic_with_no_spanish_description_shows_the_english_one(client, named_topics):
    mining = Topic.objects.get(name="Mining")
    mining.description_es = ""
    mining.save()
    spanish = client.get("/es/noticias/topic/mining/").content.decode()
    assert '<p class="lede">Mines and their neighbours.</p>' in spanish


def test_the_spanish_feeds_categorise_by_the_spanish_names(client, named_topics):
    [conga] = [e for e in parse(client, "/es/noticias/feed/rss/").entries if "Conga" in e.title]
    assert [tag.term for tag in conga.tags] == ["Agua", "Land rights", "Minería"]
    topic = parse(client, "/es/noticias/topic/water/feed/atom/")
    assert topic.feed.title == "Tema: Agua | Peru Support Group"
    [conga] = [e for e in parse(client, "/news/feed/rss/").entries if e.title == "Conga mine"]
    assert [tag.term for tag in conga.tags] == ["Land rights", "Mining", "Water"]
