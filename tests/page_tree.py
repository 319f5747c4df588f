"""A home page and news index built once per test class, for the admin-driven tree tests."""

from wagtail.models import Page, Site
from wagtail.test.utils import WagtailPageTestCase

from tests.factories import HomePageFactory, NewsIndexPageFactory


class PageTreeTestCase(WagtailPageTestCase):
    @classmethod
    def setUpTestData(cls):
        root = Page.get_first_root_node()
        Page.objects.filter(depth=2).delete()
        cls.home = HomePageFactory(parent=root, slug="home")
        Site.objects.create(hostname="localhost", root_page=cls.home, is_default_site=True)
        cls.news_index = NewsIndexPageFactory(parent=cls.home)

    def setUp(self):
        self.login()
