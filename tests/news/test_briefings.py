"""Briefings: their own choice when adding a page, numbered, with their PDF in one place."""

import datetime

import pytest

from django.core.exceptions import ValidationError

from wagtail.test.utils.form_data import nested_form_data, streamfield

from news.models import BriefingPage, NewsItemPage, NewsPage
from tests.editorial import EditorialTestCase
from tests.factories import BriefingPageFactory, DocumentFactory, NewsPageFactory
from tests.forms import form_data


class AddingABriefing(EditorialTestCase):
    def setUp(self):
        self.client.force_login(self.editor)

    def add_url(self, model="briefingpage"):
        return f"/admin/pages/add/news/{model}/{self.index.pk}/"

    def test_briefing_is_its_own_choice_in_the_add_page_list(self):
        html = self.client.get(f"/admin/pages/{self.index.pk}/add_subpage/").content.decode()
        assert ">Briefing<" in html.replace("\n", "").replace("  ", "")
        assert self.add_url() in html

    def test_the_form_suggests_the_next_free_number(self):
        BriefingPageFactory(parent=self.index, issue_number=41)
        BriefingPageFactory(parent=self.index, issue_number=7)
        html = self.client.get(self.add_url()).content.decode()
        assert "The next free number is 42." in html
        data = form_data(html, form_id="page-edit-form")
        assert data["issue_number"] == "42"
        # The number and PDF come before the body, and a news item's form has neither.
        assert html.index('name="issue_number"') < html.index('name="date"')
        news = self.client.get(self.add_url("newspage")).content.decode()
        assert 'name="issue_number"' not in news and 'name="is_briefing"' not in news

    def post_new(self, number, body=(), document=None):
        data = form_data(self.client.get(self.add_url()).content.decode(), form_id="page-edit-form")
        data.update(
            nested_form_data({"body": streamfield(list(body))}),
            title="Briefing on water",
            slug="briefing-on-water",
            date="2014-02-01",
            issue_number=str(number),
            briefing_document=str(document.pk) if document else "",
        )
        return self.client.post(self.add_url(), data)

    def test_a_taken_number_is_refused_and_nothing_is_saved(self):
        BriefingPageFactory(parent=self.index, issue_number=9)
        response = self.post_new(9)
        assert response.status_code == 200
        assert "Briefing 9 already exists." in response.content.decode()
        assert not NewsItemPage.objects.filter(slug="briefing-on-water").exists()

    def test_a_free_number_makes_a_briefing_listed_as_one(self):
        response = self.post_new(10)
        assert response.status_code == 302
        page = BriefingPage.objects.get(slug="briefing-on-water")
        assert (page.is_briefing, page.issue_number, page.kind_label) == (True, 10, "Briefing 10")

    def test_an_old_number_can_be_kept_or_given(self):
        BriefingPageFactory(parent=self.index, issue_number=30)
        assert self.post_new(3).status_code == 302

    def test_the_pdf_in_the_body_as_well_is_refused(self):
        pdf = DocumentFactory(file__filename="water.pdf")
        body = [("document", {"document": pdf.pk, "title": "", "description": ""})]
        response = self.post_new(11, body=body, document=pdf)
        assert response.status_code == 200
        assert "This PDF is also a document block in the body" in response.content.decode()
        assert not NewsItemPage.objects.filter(slug="briefing-on-water").exists()
        other = DocumentFactory(file__filename="annex.pdf")
        body = [("document", {"document": other.pk, "title": "Annex", "description": ""})]
        assert self.post_new(11, body=body, document=pdf).status_code == 302


@pytest.mark.django_db
class TestBriefingsAreListedAsBefore:
    def test_kind_listing_feed_and_search_show_briefings(self, client, news_index):
        BriefingPageFactory(parent=news_index, title="Briefing on forests", issue_number=5)
        NewsPageFactory(parent=news_index, title="Plain news")
        listing = client.get("/news/kind/briefings/").content.decode()
        assert "Briefing on forests" in listing and "Briefing 5" in listing
        assert "Plain news" not in listing
        feed = client.get("/news/kind/briefings/feed/rss/").content.decode()
        assert "Briefing on forests" in feed
        news = client.get("/news/kind/news/").content.decode()
        assert "Plain news" in news and "Briefing on forests" not in news
        assert "Briefing on forests" in client.get("/search/", {"q": "forests"}).content.decode()
        sitemap = client.get("/sitemap-pages.xml").content.decode()
        assert "/news/briefing-on-forests/</loc>" in sitemap

    def test_a_briefing_page_shows_its_number_and_pdf_once(self, client, news_index):
        pdf = DocumentFactory(file__filename="forests.pdf")
        page = BriefingPageFactory(
            parent=news_index, slug="forests", issue_number=5, briefing_document=pdf
        )
        response = client.get("/news/forests/")
        assert response.status_code == 200
        html = response.content.decode()
        assert html.count(pdf.url) == 1
        assert "Download this briefing (PDF" in html
        assert page.title in html

    def test_a_briefing_is_always_a_briefing(self, news_index):
        page = BriefingPageFactory(parent=news_index, issue_number=6)
        page.is_briefing = False
        page.save()
        assert NewsPage.objects.get(pk=page.pk).is_briefing

    def test_a_taken_number_is_refused_by_the_model_too(self, news_index):
        BriefingPageFactory(parent=news_index, issue_number=4)
        second = BriefingPageFactory(parent=news_index, issue_number=8, date=datetime.date.today())
        second.issue_number = 4
        with pytest.raises(ValidationError) as error:
            second.full_clean()
        assert error.value.message_dict["issue_number"] == ["Briefing 4 already exists."]
