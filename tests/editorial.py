"""The admin as staff use it: the site's content, the roles, a user in each, and the edit form."""

from django.test import TestCase

from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.models import HomePage
from news.models import NewsIndexPage, NewsPage
from psgsite.roles import EDITORS, MEMBERSHIP_SECRETARIES, MODERATORS, set_up_roles
from tests.conftest import load_site_content
from tests.factories import UserFactory
from tests.forms import form_data


def edit_form(client, page, body=()):
    """The admin's edit form for a page, as the browser would post it. The body's blocks are
    built by the admin's JavaScript, so the test gives them: (block name, form value) pairs."""
    response = client.get(f"/admin/pages/{page.pk}/edit/")
    assert response.status_code == 200, response.status_code
    data = form_data(response.content.decode(), form_id="page-edit-form").dict()
    data.update(nested_form_data({"body": streamfield(list(body))}))
    return data


def paragraph(html):
    return ("paragraph", rich_text(html))


class EditorialTestCase(TestCase):
    """The site's content and roles, and a user in each role."""

    @classmethod
    def setUpTestData(cls):
        load_site_content()
        set_up_roles()
        cls.editor = UserFactory(username="edna", groups=[EDITORS])
        cls.moderator = UserFactory(username="mo", groups=[MODERATORS])
        cls.secretary = UserFactory(username="sec", groups=[MEMBERSHIP_SECRETARIES])
        cls.home = HomePage.objects.get(slug="home")
        cls.index = NewsIndexPage.objects.get()
        cls.story = NewsPage.objects.get(slug="minas-conga-referendum-plans-disputed")
