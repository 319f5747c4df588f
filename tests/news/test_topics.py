"""Topics as a list that moderators keep and editors choose from."""

from html.parser import HTMLParser

import pytest

from django.db import IntegrityError, transaction
from django.urls import reverse

from wagtail.models import Page

from news.models import NewsItemTopic, NewsPage, Topic
from tests.editorial import EditorialTestCase, edit_form, paragraph
from tests.factories import NewsPageFactory
from tests.forms import form_data

TOPICS_URL = "/admin/snippets/news/topic/"


class TextOf(HTMLParser):
    """The text inside the page's first element of a tag and class."""

    def __init__(self, tag, css_class):
        super().__init__()
        self.tag, self.css_class, self.depth, self.text = tag, css_class, 0, None

    def handle_starttag(self, tag, attrs):
        classes = (dict(attrs).get("class") or "").split()
        if self.depth:
            self.depth += tag == self.tag
        elif tag == self.tag and self.css_class in classes and self.text is None:
            self.depth, self.text = 1, ""

    def handle_endtag(self, tag):
        if self.depth and tag == self.tag:
            self.depth -= 1

    def handle_data(self, data):
        if self.depth:
            self.text += data

    @classmethod
    def find(cls, html, tag, css_class):
        parser = cls(tag, css_class)
        parser.feed(html)
        return None if parser.text is None else " ".join(parser.text.split())


def post_edit(client, page, topics):
    data = edit_form(client, page, body=[paragraph("<p>Text.</p>")])
    data["topics"] = topics
    return client.post(f"/admin/pages/{page.pk}/edit/", data)


class EditorsChooseFromTheList(EditorialTestCase):
    def setUp(self):
        self.client.force_login(self.editor)

    def test_the_field_says_how_it_works_and_offers_topics_only(self):
        html = self.client.get(f"/admin/pages/{self.story.pk}/edit/").content.decode()
        assert "Choose from the list; ask a moderator to add a topic." in html
        assert "&quot;autocompleteOnly&quot;: true" in html

    def test_an_unknown_topic_is_refused_with_a_message_and_not_created(self):
        topics_before = set(Topic.objects.values_list("name", flat=True))
        response = post_edit(self.client, self.story, "Mining, MiningWater")
        assert response.status_code == 200
        html = response.content.decode()
        assert "There is no topic “MiningWater”." in html
        assert "ask a moderator to add a topic" in html
        assert set(Topic.objects.values_list("name", flat=True)) == topics_before
        assert not Topic.objects.filter(name="MiningWater").exists()

    def test_a_topic_on_the_list_is_saved(self):
        Topic.objects.get_or_create(name="Water")
        response = post_edit(self.client, self.story, '"Water", Mining')
        assert response.status_code == 302
        draft = NewsPage.objects.get(pk=self.story.pk).get_latest_revision_as_object()
        assert {topic.name for topic in draft.topics.all()} == {"Water", "Mining"}

    def test_a_topic_given_twice_is_carried_once(self):
        response = post_edit(self.client, self.story, '"Mining", Mining, "Mining"')
        assert response.status_code == 302
        draft = NewsPage.objects.get(pk=self.story.pk).get_latest_revision_as_object()
        assert [topic.name for topic in draft.topics.all()] == ["Mining"]
        draft.save_revision().publish()
        assert list(self.story.tagged_items.values_list("tag__name", flat=True)) == ["Mining"]
        # Whatever tries it, the database keeps a second link out.
        mining = Topic.objects.get(name="Mining")
        with pytest.raises(IntegrityError), transaction.atomic():
            NewsItemTopic.objects.create(content_object_id=self.story.pk, tag=mining)
        assert self.story.tagged_items.count() == 1

    def test_editors_cannot_reach_the_list_nor_add_to_it(self):
        assert TOPICS_URL not in self.client.get("/admin/").content.decode()
        for url in (TOPICS_URL, f"{TOPICS_URL}add/"):
            assert self.client.get(url).status_code in (302, 403)
        self.client.post(f"{TOPICS_URL}add/", {"name": "Junk", "description": ""})
        assert not Topic.objects.filter(name="Junk").exists()
        mining = Topic.objects.get(name="Mining")
        other = Topic.objects.exclude(pk=mining.pk).first()
        response = self.client.post(f"{TOPICS_URL}merge/{mining.pk}/", {"target": other.pk})
        assert response.status_code in (302, 403)
        assert Topic.objects.filter(pk=mining.pk).exists()


class ModeratorsKeepTheList(EditorialTestCase):
    def setUp(self):
        self.client.force_login(self.moderator)

    def test_add_and_rename_keeping_the_address(self):
        assert TOPICS_URL in self.client.get("/admin/").content.decode()
        response = self.client.post(
            f"{TOPICS_URL}add/", {"name": "Water", "description": "Rivers and lakes."}
        )
        assert response.status_code == 302
        water = Topic.objects.get(name="Water")
        assert water.slug == "water"
        self.client.post(
            f"{TOPICS_URL}edit/{water.pk}/",
            {"name": "Water and rivers", "description": "Rivers and lakes."},
        )
        water.refresh_from_db()
        assert (water.name, water.slug) == ("Water and rivers", "water")

    def test_a_name_differing_only_in_case_is_refused(self):
        response = self.client.post(f"{TOPICS_URL}add/", {"name": "mining", "description": ""})
        assert response.status_code == 200
        assert "There is already a topic called “Mining”." in response.content.decode()
        assert not Topic.objects.filter(name="mining").exists()

    def test_a_spanish_name_is_kept_unless_another_topic_has_it(self):
        form = self.client.get(f"{TOPICS_URL}add/").content.decode()
        assert "The name shown on Spanish pages. Where blank, they show the English name." in form
        Topic.objects.filter(name="Mining").update(name_es="Minería")
        response = self.client.post(
            f"{TOPICS_URL}add/", {"name": "Mines", "name_es": "  minería ", "description": ""}
        )
        assert response.status_code == 200
        assert "There is already a topic called “Minería” in Spanish." in response.content.decode()
        assert not Topic.objects.filter(name="Mines").exists()
        response = self.client.post(
            f"{TOPICS_URL}add/",
            {"name": "Water", "name_es": "  Agua ", "description_es": "Ríos y lagos."},
        )
        assert response.status_code == 302
        water = Topic.objects.get(name="Water")
        assert (water.name_es, water.description_es) == ("Agua", "Ríos y lagos.")

    def test_merge_moves_the_pages_and_their_drafts_and_deletes_the_topic(self):
        mining = Topic.objects.get(name="Mining")
        extraction = Topic.objects.create(name="Extraction")
        index = self.index
        both = NewsPageFactory(parent=index, title="Both topics")
        both.topics.add(extraction, mining)
        both.save_revision().publish()
        only = NewsPageFactory(parent=index, title="Extraction only")
        only.topics.add(extraction)
        only.save_revision().publish()
        # A draft that adds the topic: it must carry the target once published.
        drafted = NewsPageFactory(parent=index, title="Draft adds it")
        drafted.save_revision().publish()
        drafted.topics.add(extraction)
        drafted.save_revision()

        listing = self.client.get(TOPICS_URL).content.decode()
        merge_url = f"{TOPICS_URL}merge/{extraction.pk}/"
        assert "Merge into…" in listing and merge_url in listing
        form = self.client.get(merge_url)
        assert form.status_code == 200
        assert "Merge into" in form.content.decode()
        data = form_data(form.content.decode(), form_id="w-editor-form")
        data["target"] = str(mining.pk)
        response = self.client.post(merge_url, data, follow=True)
        assert "“Extraction” was merged into “Mining”: 2 pages moved" in (response.content.decode())

        assert not Topic.objects.filter(pk=extraction.pk).exists()
        for page in (both, only):
            assert [t.name for t in Page.objects.get(pk=page.pk).specific.topics.all()] == [
                "Mining"
            ]
        assert NewsItemTopic.objects.filter(content_object=both, tag=mining).count() == 1
        drafted.refresh_from_db()
        drafted.get_latest_revision().publish()
        assert [t.name for t in NewsPage.objects.get(pk=drafted.pk).topics.all()] == ["Mining"]

    def test_merge_refuses_a_missing_or_same_target(self):
        mining = Topic.objects.get(name="Mining")
        url = f"{TOPICS_URL}merge/{mining.pk}/"
        for target in ("", str(mining.pk), "999999", "x"):
            response = self.client.post(url, {"target": target})
            assert response.status_code == 200, target
            assert "Select a valid choice" in response.content.decode() or (
                "This field is required" in response.content.decode()
            )
        assert Topic.objects.filter(pk=mining.pk).exists()
        assert self.client.get(f"{TOPICS_URL}merge/999999/").status_code == 404


class TheTopicPage(EditorialTestCase):
    def test_shows_the_topic_description_under_its_heading(self):
        mining = Topic.objects.get(name="Mining")
        mining.description = "Mines, their neighbours and the water they share."
        mining.save()
        html = self.client.get(f"/news/topic/{mining.slug}/").content.decode()
        assert TextOf.find(html, "p", "lede") == mining.description
        assert "Topic: Mining" in html

    def test_a_topic_without_description_shows_no_empty_paragraph(self):
        html = self.client.get("/news/topic/mining/").content.decode()
        assert TextOf.find(html, "p", "lede") is None

    def test_the_description_is_text_not_markup(self):
        mining = Topic.objects.get(name="Mining")
        mining.description = "<script>alert(1)</script>"
        mining.save()
        html = self.client.get("/news/topic/mining/").content.decode()
        assert "<script>alert(1)</script>" not in html
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html

    def test_the_admin_list_is_reached_by_its_name(self):
        assert reverse("wagtailsnippets_news_topic:list") == TOPICS_URL
