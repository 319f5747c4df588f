import datetime
from urllib.parse import quote

import pytest
from bs4 import BeautifulSoup

from django.core.exceptions import ValidationError
from django.utils import timezone

from wagtail.models import PageViewRestriction
from wagtail.test.utils.form_data import nested_form_data, streamfield

from news.models import EventPage, NewsItemPage, Topic
from tests.editorial import edit_form
from tests.factories import (
    BriefingPageFactory,
    DocumentFactory,
    EventPageFactory,
    ImageFactory,
    JoinPageFactory,
    NewsPageFactory,
)
from tests.forms import form_data


@pytest.mark.django_db
class TestNewsIndex:
    def test_lists_news_and_events_newest_first_with_dates_and_summaries(self, client, news_index):
        NewsPageFactory(parent=news_index, title="Older", date=datetime.date(2012, 8, 31))
        NewsPageFactory(parent=news_index, title="Newest", date=datetime.date(2013, 3, 28))
        EventPageFactory(parent=news_index, title="Conference", date=datetime.date(2012, 11, 1))
        html = client.get(news_index.url).content.decode()
        assert html.index("Newest") < html.index("Conference") < html.index("Older")
        assert '<time datetime="2013-03-28">28 March 2013</time>' in html
        assert "Summary of Newest." in html
        assert '<span class="tag">Event</span>' in html

    def test_leaves_out_drafts(self, client, news_index):
        draft = NewsPageFactory(parent=news_index, title="Not ready yet")
        draft.unpublish()
        assert "Not ready yet" not in client.get(news_index.url).content.decode()

    def test_paginates_ten_to_a_page(self, client, news_index):
        for day in range(1, 13):
            NewsPageFactory(
                parent=news_index, title=f"Item {day:02}", date=datetime.date(2013, 1, day)
            )
        first = client.get(news_index.url).content.decode()
        second = client.get(news_index.url, {"page": 2}).content.decode()
        assert "Item 12" in first and "Item 03" in first and "Item 02" not in first
        assert "Item 02" in second and "Item 01" in second and "Item 12" not in second
        assert "Page 1 of 2" in first
        assert 'href="?page=2" rel="next"' in first

    @pytest.mark.parametrize("page", ["abc", "0", "-1", "99999", "1.5", "", "%00"])
    def test_a_bad_page_number_gives_a_page_not_an_error(self, client, news_index, page):
        for day in range(1, 13):
            NewsPageFactory(parent=news_index, date=datetime.date(2013, 1, day))
        response = client.get(news_index.url, {"page": page})
        assert response.status_code == 200
        assert b"Page 1 of 2" in response.content or b"Page 2 of 2" in response.content


@pytest.mark.django_db
class TestNewsPage:
    def test_shows_its_own_date_not_its_publication_date(self, client, news_index):
        page = NewsPageFactory(
            parent=news_index, title="Backdated", date=datetime.date(2012, 8, 31)
        )
        html = client.get(page.url).content.decode()
        assert '<time datetime="2012-08-31">31 August 2012</time>' in html
        assert timezone.localdate().strftime("%-d %B %Y") not in html

    def test_a_briefing_shows_its_number_and_links_its_pdf(self, client, news_index):
        pdf = DocumentFactory(title="Briefing 12")
        page = NewsPageFactory(
            parent=news_index, is_briefing=True, issue_number=12, briefing_document=pdf
        )
        html = client.get(page.url).content.decode()
        assert '<span class="tag">Briefing 12</span>' in html
        assert f'href="{pdf.url}" download>Download this briefing (PDF, 15\xa0bytes)' in html
        listing = client.get(news_index.url).content.decode()
        assert '<span class="tag">Briefing 12</span>' in listing

    def test_shows_its_topics_by_name(self, client, news_index):
        page = NewsPageFactory(parent=news_index)
        page.topics.add("Mining", "Indigenous rights")
        page.save_revision().publish()
        topics = soup(client.get(page.url)).select_one(".topics")
        assert [li.get_text() for li in topics.select("li")] == ["Indigenous rights", "Mining"]

    def test_an_issue_number_needs_the_briefing_box_ticked(self, news_index):
        page = NewsPageFactory(parent=news_index, is_briefing=False)
        page.issue_number = 3
        with pytest.raises(ValidationError) as error:
            page.full_clean()
        assert "is_briefing" in error.value.message_dict

    def test_a_briefing_number_is_used_once(self, news_index):
        NewsPageFactory(parent=news_index, is_briefing=True, issue_number=4)
        second = NewsPageFactory(parent=news_index, is_briefing=True, issue_number=5)
        second.issue_number = 4
        with pytest.raises(ValidationError) as error:
            second.full_clean()
        assert error.value.message_dict["issue_number"] == ["Briefing 4 already exists."]

    def test_a_briefing_document_must_be_a_pdf(self, news_index):
        page = NewsPageFactory(parent=news_index, is_briefing=True)
        page.briefing_document = DocumentFactory(file__filename="notes.docx")
        with pytest.raises(ValidationError) as error:
            page.full_clean()
        assert error.value.message_dict["briefing_document"] == ["Choose a PDF document."]


@pytest.mark.django_db
class TestEventPage:
    def test_shows_start_and_end_in_uk_time(self, client, news_index):
        start = datetime.datetime(2026, 7, 1, 17, 30, tzinfo=datetime.UTC)
        event = EventPageFactory(
            parent=news_index,
            start=start,
            end=start + datetime.timedelta(hours=2),
            location="Amnesty International, London",
            registration_url="https://example.org/book",
        )
        html = client.get(event.url).content.decode()
        # 17:30 UTC is 18:30 British Summer Time.
        assert "Wednesday 1 July 2026, 18:30</time> to <time" in html
        assert ">20:30</time>" in html
        assert "(UK time)" in html
        assert "Amnesty International, London" in html
        assert 'href="https://example.org/book"' in html
        assert "to be confirmed" not in html

    def test_an_event_without_a_date_says_date_to_be_confirmed(self, client, news_index):
        event = EventPageFactory(parent=news_index, start=None, date=timezone.localdate())
        html = client.get(event.url).content.decode()
        assert "Date to be confirmed" in html
        assert "(UK time)" not in html

    def test_an_old_event_without_a_date_says_its_date_was_never_confirmed(
        self, client, news_index
    ):
        event = EventPageFactory(parent=news_index, start=None, date=datetime.date(2012, 11, 1))
        html = client.get(event.url).content.decode()
        assert "Date never confirmed" in html and "to be confirmed" not in html

    def test_upcoming_past_and_unconfirmed_events(self, news_index):
        now = timezone.now()
        soon = EventPageFactory(parent=news_index, start=now + datetime.timedelta(days=1))
        later = EventPageFactory(parent=news_index, start=now + datetime.timedelta(days=9))
        running = EventPageFactory(
            parent=news_index,
            start=now - datetime.timedelta(hours=1),
            end=now + datetime.timedelta(hours=1),
        )
        past = EventPageFactory(parent=news_index, start=now - datetime.timedelta(days=3))
        older = EventPageFactory(parent=news_index, start=now - datetime.timedelta(days=30))
        today = timezone.localdate()
        unconfirmed = EventPageFactory(parent=news_index, start=None, date=today)
        # Announced within six months (183 days): still to be confirmed; before that, past.
        lately = EventPageFactory(
            parent=news_index, start=None, date=today - datetime.timedelta(days=182)
        )
        stale = EventPageFactory(
            parent=news_index, start=None, date=today - datetime.timedelta(days=183)
        )
        ancient = EventPageFactory(parent=news_index, start=None, date=datetime.date(2012, 11, 1))
        assert list(EventPage.objects.upcoming()) == [running, soon, later, unconfirmed, lately]
        assert list(EventPage.objects.past()) == [past, older, stale, ancient]
        assert list(EventPage.objects.date_to_be_confirmed()) == [unconfirmed, lately]
        assert list(EventPage.objects.date_never_confirmed().order_by("-date")) == [stale, ancient]
        assert stale.date_never_confirmed and not lately.date_never_confirmed

    @pytest.mark.parametrize(
        "start, end, field",
        [
            (None, datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC), "start"),
            (
                datetime.datetime(2026, 7, 2, tzinfo=datetime.UTC),
                datetime.datetime(2026, 7, 1, tzinfo=datetime.UTC),
                "end",
            ),
        ],
    )
    def test_refuses_an_end_without_a_start_or_before_it(self, news_index, start, end, field):
        event = EventPageFactory(parent=news_index)
        event.start, event.end = start, end
        with pytest.raises(ValidationError) as error:
            event.full_clean()
        assert field in error.value.message_dict


@pytest.mark.django_db
def test_listing_images_are_responsive_webp_and_lazy(client, news_index):
    image = ImageFactory(file__width=1600, file__height=900)
    NewsPageFactory(parent=news_index, listing_image=image)
    html = client.get(news_index.url).content.decode()
    img = html[html.index('<img alt=""') : html.index(">", html.index('<img alt=""'))]
    assert (
        "fill-320x180.format-webp.webp 320w" in img and "fill-640x360.format-webp.webp 640w" in img
    )
    assert 'width="320"' in img and 'height="180"' in img
    assert "sizes=" in img


@pytest.mark.django_db
def test_only_listing_images_below_the_first_load_lazily(client, news_index):
    for _ in range(3):
        NewsPageFactory(parent=news_index, listing_image=ImageFactory())
    html = client.get(news_index.url).content.decode()
    loading = [chunk.split('"')[0] for chunk in html.split('loading="')[1:]]
    assert loading == ["eager", "lazy", "lazy"]


def soup(response):
    assert response.status_code == 200
    return BeautifulSoup(response.content, "html.parser")


def with_topics(page, *topics):
    page.topics.add(*topics)
    page.save_revision().publish()
    return page


def related_titles(page):
    related = page.select_one(".related")
    return None if related is None else [a.get_text(strip=True) for a in related.select("h3 a")]


@pytest.mark.django_db
class TestArticleExtras:
    def test_topic_chips_link_to_their_topic_pages(self, client, news_index):
        page = with_topics(NewsPageFactory(parent=news_index), "Mining", "Indigenous rights")
        topics = soup(client.get(page.url)).select_one(".topics")
        links = {a.get_text(): a["href"] for a in topics.select("a")}
        assert links == {
            "Indigenous rights": "/news/topic/indigenous-rights/",
            "Mining": "/news/topic/mining/",
        }
        for url in links.values():
            listing = soup(client.get(url))
            assert listing.h1.get_text(strip=True).startswith("Topic:")
            assert page.title in listing.get_text()

    def test_related_stories_share_the_most_topics_the_newest_first(self, client, news_index):
        page = with_topics(
            NewsPageFactory(parent=news_index, title="This one"), "Mining", "Water", "Cusco"
        )
        for title, day, topics in [
            ("One shared, newest", 30, ["Mining"]),
            ("Two shared, older", 1, ["Mining", "Water"]),
            ("Two shared, newer", 2, ["Water", "Cusco", "Oil"]),
            ("One shared, older", 3, ["Cusco"]),
            ("None shared", 31, ["Oil"]),
        ]:
            item = NewsPageFactory(parent=news_index, title=title, date=datetime.date(2014, 1, day))
            with_topics(item, *topics)
        html = soup(client.get(page.url))
        assert related_titles(html) == [
            "Two shared, newer",
            "Two shared, older",
            "One shared, newest",
        ]

    def test_each_related_story_shows_its_kind_date_and_address(self, client, news_index):
        page = with_topics(NewsPageFactory(parent=news_index, title="This one"), "Mining")
        stories = [
            BriefingPageFactory(
                parent=news_index,
                title="A briefing",
                issue_number=41,
                date=datetime.date(2014, 1, 3),
            ),
            EventPageFactory(parent=news_index, title="A talk", date=datetime.date(2014, 1, 2)),
            NewsPageFactory(parent=news_index, title="A story", date=datetime.date(2014, 1, 1)),
        ]
        for story in stories:
            with_topics(story, "Mining")
        related = soup(client.get(page.url)).select(".related__item")
        shown = [
            (
                item.select_one(".tag").get_text() if item.select_one(".tag") else None,
                item.time["datetime"],
                item.time.get_text(),
                item.a.get_text(),
                item.a["href"],
            )
            for item in related
        ]
        assert shown == [
            ("Briefing 41", "2014-01-03", "3 January 2014", "A briefing", stories[0].url),
            ("Event", "2014-01-02", "2 January 2014", "A talk", stories[1].url),
            (None, "2014-01-01", "1 January 2014", "A story", stories[2].url),
        ]

    def test_related_stories_are_chosen_among_the_newest_that_share_a_topic(
        self, client, news_index, monkeypatch
    ):
        """However large the archive, only the newest items that share a topic are weighed: an
        old item sharing more topics gives way to newer ones beyond that many."""
        monkeypatch.setattr(NewsItemPage, "RELATED_CANDIDATES", 3)
        page = with_topics(NewsPageFactory(parent=news_index, title="This one"), "Mining", "Water")
        for title, day, topics in [
            ("Both, oldest", 1, ["Mining", "Water"]),
            ("One, older", 2, ["Mining"]),
            ("One, newer", 3, ["Water"]),
            ("Both, newest", 4, ["Mining", "Water"]),
        ]:
            item = NewsPageFactory(parent=news_index, title=title, date=datetime.date(2014, 1, day))
            with_topics(item, *topics)
        assert related_titles(soup(client.get(page.url))) == [
            "Both, newest",
            "One, newer",
            "One, older",
        ]

    def test_related_stories_are_never_the_page_itself_drafts_or_private_pages(
        self, client, news_index
    ):
        page = with_topics(NewsPageFactory(parent=news_index, title="This one"), "Mining")
        draft = with_topics(NewsPageFactory(parent=news_index, title="Draft"), "Mining")
        draft.unpublish()
        private = with_topics(NewsPageFactory(parent=news_index, title="Private"), "Mining")
        PageViewRestriction.objects.create(page=private, restriction_type="login")
        event = with_topics(EventPageFactory(parent=news_index, title="A talk"), "Mining")
        assert related_titles(soup(client.get(page.url))) == [event.title]
        # The event's own page has the same frame, and finds the story.
        assert related_titles(soup(client.get(event.url))) == ["This one"]

    def test_a_private_pages_own_topic_is_not_linked_to_a_listing_without_it(
        self, client, news_index
    ):
        page = with_topics(NewsPageFactory(parent=news_index), "Mining", "Members only")
        with_topics(NewsPageFactory(parent=news_index), "Mining")
        PageViewRestriction.objects.create(page=page, restriction_type="password", password="x")
        client.post(
            f"/_util/authenticate_with_password/{page.get_view_restrictions().get().pk}/{page.pk}/",
            {"password": "x", "return_url": page.url},
        )
        topics = soup(client.get(page.url)).select_one(".topics")
        chips = {li.get_text(): li.a["href"] if li.a else None for li in topics.select("li")}
        assert chips == {"Members only": None, "Mining": "/news/topic/mining/"}
        assert client.get("/news/topic/members-only/").status_code == 404

    def test_no_related_stories_section_without_shared_topics(self, client, news_index):
        lonely = with_topics(NewsPageFactory(parent=news_index), "Mining")
        untagged = NewsPageFactory(parent=news_index)
        with_topics(NewsPageFactory(parent=news_index), "Oil")
        for page in (lonely, untagged):
            html = soup(client.get(page.url))
            assert related_titles(html) is None
            assert "Related stories" not in html.get_text()
        assert soup(client.get(untagged.url)).select_one(".topics") is None

    def test_share_links_carry_the_encoded_address_and_title(self, client, news_index):
        page = NewsPageFactory(parent=news_index, title="Water & mining: 'a crisis'")
        share = soup(client.get(page.url)).select_one(".share")
        assert "no-print" in share["class"]
        assert share.h2.get_text() == "Share this story"
        url = quote(page.full_url, safe="")
        title = quote(page.title, safe="")
        links = {a.get_text(): a for a in share.select("a")}
        assert {name: a["href"] for name, a in links.items()} == {
            "Share by Email": f"mailto:?subject={title}&body={url}",
            "Share on Bluesky (opens in a new tab)": (
                f"https://bsky.app/intent/compose?text={title}%20{url}"
            ),
            "Share on X (Twitter) (opens in a new tab)": (
                f"https://x.com/intent/tweet?url={url}&text={title}"
            ),
            "Share on Facebook (opens in a new tab)": (
                f"https://www.facebook.com/sharer/sharer.php?u={url}"
            ),
            "Share on LinkedIn (opens in a new tab)": (
                f"https://www.linkedin.com/sharing/share-offsite/?url={url}"
            ),
            "Share on WhatsApp (opens in a new tab)": f"https://wa.me/?text={title}%20{url}",
        }
        assert url == "http%3A%2F%2Flocalhost%2Fnews%2F" + page.slug + "%2F"
        for name, a in links.items():
            assert "noopener" in a["rel"]
            assert (a.get("target") == "_blank") == ("new tab" in name)

    def test_the_join_prompt_leads_to_the_join_page(self, client, home, news_index):
        join = JoinPageFactory(parent=home, summary="Support our work.")
        for page in (NewsPageFactory(parent=news_index), EventPageFactory(parent=news_index)):
            prompt = soup(client.get(page.url)).select_one(".join-prompt")
            assert "no-print" in prompt["class"]
            assert "Support our work." in prompt.get_text()
            button = prompt.find("a", string="Join the Peru Support Group")
            assert button["href"] == join.url
            assert client.get(button["href"]).status_code == 200

    def test_no_join_prompt_without_a_live_join_page(self, client, home, news_index):
        JoinPageFactory(parent=home).unpublish()
        html = soup(client.get(NewsPageFactory(parent=news_index).url))
        assert html.select_one(".join-prompt") is None
        assert "Join the" not in html.select_one("main").get_text()

    def test_an_event_has_the_same_frame(self, client, home, news_index):
        JoinPageFactory(parent=home)
        event = with_topics(EventPageFactory(parent=news_index), "PSG events")
        html = soup(client.get(event.url))
        assert html.select_one(".topics a")["href"] == "/news/topic/psg-events/"
        assert html.select_one(".share h2").get_text() == "Share this event"
        assert len(html.select(".share a")) == 6
        assert html.select_one(".join-prompt a")["href"] == "/join/"


@pytest.mark.django_db
def test_a_preview_shows_topics_typed_in_and_what_they_relate_to(admin_client, news_index):
    """A topic on the list that no live page carries yet has no listing to link to; one that
    does finds the stories on it, though the preview's topics are not saved."""
    Topic.objects.create(name="Brand new topic")
    page = NewsPageFactory(parent=news_index, title="Draft story")
    other = with_topics(NewsPageFactory(parent=news_index, title="On mining"), "Mining")
    url = f"/admin/pages/{page.pk}/edit/preview/"
    data = edit_form(admin_client, page)
    data["topics"] = "Mining, Brand new topic"
    assert admin_client.post(url, data).json()["is_valid"] is True
    preview = soup(admin_client.get(url))
    chips = {li.get_text(): li.a["href"] if li.a else None for li in preview.select(".topics li")}
    assert chips == {"Brand new topic": None, "Mining": "/news/topic/mining/"}
    assert related_titles(preview) == [other.title]


@pytest.mark.django_db
def test_the_preview_of_a_page_not_yet_created_finds_its_related_stories(admin_client, news_index):
    """A page being added has no id yet: its preview relates it to the stories on its topics."""
    other = with_topics(NewsPageFactory(parent=news_index, title="On mining"), "Mining")
    add = f"/admin/pages/add/news/newspage/{news_index.pk}/"
    data = form_data(admin_client.get(add).content.decode(), form_id="page-edit-form").dict()
    data.update(nested_form_data({"body": streamfield([])}))
    data.update(title="A new story", slug="a-new-story", topics="Mining")
    assert admin_client.post(f"{add}preview/", data).json()["is_valid"] is True
    assert related_titles(soup(admin_client.get(f"{add}preview/"))) == [other.title]
