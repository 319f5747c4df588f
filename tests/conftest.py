import io

import pytest

from django.core.management import call_command

from wagtail.models import Page, Site

from tests.factories import HomePageFactory, NewsIndexPageFactory


def load_site_content():
    """The organisation's real content, as `make run` loads it; returns the command's output."""
    out = io.StringIO()
    call_command("load_site_content", stdout=out)
    return out.getvalue()


@pytest.fixture
def home(db):
    """An empty home page at the root of the default site."""
    root = Page.get_first_root_node()
    Page.objects.filter(depth=2).delete()
    home = HomePageFactory(parent=root, slug="home")
    Site.objects.update_or_create(
        is_default_site=True, defaults={"hostname": "localhost", "root_page": home}
    )
    return home


@pytest.fixture
def news_index(home):
    return NewsIndexPageFactory(parent=home)
