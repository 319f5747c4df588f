"""What every page shares: the menu from the page tree, breadcrumbs, the footer from site
settings, the skip link, and the error pages."""

import datetime

import pytest

from django.test import RequestFactory
from django.views.defaults import server_error

from wagtail.models import Site

from home.models import SiteSettings
from tests.factories import AboutPageFactory, JoinPageFactory, NewsPageFactory


@pytest.fixture
def tree(home, news_index):
    about = AboutPageFactory(parent=home, title="About us", show_in_menus=True)
    aims = AboutPageFactory(parent=about, title="PSG Aims")
    join = JoinPageFactory(parent=home, show_in_menus=True, summary="Support our work.")
    hidden = AboutPageFactory(parent=home, title="Privacy notice", show_in_menus=False)
    # Dated before the stories of the latest news test: the factory's dates depend on how many
    # items the tests before it made.
    item = NewsPageFactory(
        parent=news_index, title="Conga referendum", date=datetime.date(2012, 8, 31)
    )
    return {"about": about, "aims": aims, "join": join, "hidden": hidden, "item": item}


def test_every_page_has_a_skip_link_to_the_main_content(client, tree):
    html = client.get(tree["item"].url).content.decode()
    assert '<a class="skip-link" href="#main-content">Skip to main content</a>' in html
    assert '<main id="main-content" tabindex="-1">' in html
    assert html.count("<h1") == 1


def test_the_menu_is_built_from_the_page_tree(client, tree):
    html = client.get(tree["aims"].url).content.decode()
    menu = html[html.index('<nav class="main-nav"') : html.index("</nav>")]
    assert ">Home</a>" in menu
    assert f'href="{tree["about"].url}" aria-current="true">About us</a>' in menu
    assert ">News</a>" in menu
    assert ">Why join the PSG?</a>" in menu
    assert "Privacy notice" not in menu
    tree["join"].unpublish()
    assert "Why join the PSG?" not in client.get(tree["aims"].url).content.decode()


def test_breadcrumbs_lead_from_home_to_the_page(client, tree):
    html = client.get(tree["aims"].url).content.decode()
    trail = html[html.index('aria-label="Breadcrumb"') :]
    trail = trail[: trail.index("</nav>")]
    assert trail.index(">Home</a>") < trail.index(">About us</a>") < trail.index("PSG Aims")
    assert '<span aria-current="page">PSG Aims</span>' in trail
    assert 'aria-label="Breadcrumb"' not in client.get("/").content.decode()


def test_the_footer_says_what_editors_set_in_site_settings(client, tree):
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.organisation_name = "Peru Support Group"
    settings.address = "Unit 1\nLondon <script>"
    settings.email = "info@example.org"
    settings.social_links = [("link", {"name": "Bluesky", "url": "https://bsky.app/x"})]
    settings.save()
    html = client.get(tree["item"].url).content.decode()
    footer = html[html.index('<footer class="site-footer">') :]
    assert "Unit 1<br>London &lt;script&gt;" in footer
    assert '<a href="mailto:info@example.org">info@example.org</a>' in footer
    assert '<a href="https://bsky.app/x" rel="me">Bluesky</a>' in footer


def test_the_home_page_shows_the_latest_news_and_teasers(client, tree, news_index, home):
    for day in range(1, 9):
        NewsPageFactory(parent=news_index, title=f"Story {day}", date=datetime.date(2013, 3, day))
    home.teasers.create(page=tree["about"], sort_order=0)
    home.teasers.create(page=tree["join"], sort_order=1)
    home.teasers.create(page=tree["hidden"], sort_order=2)
    home.save_revision().publish()
    tree["hidden"].unpublish()
    html = client.get("/").content.decode()
    # The newest leads, and four more follow it.
    assert html.index("Story 8") < html.index("Story 7") < html.index("Story 4")
    assert "Story 3" not in html
    assert '<time datetime="2013-03-08">8 March 2013</time>' in html
    assert f'href="{news_index.url}">See all news</a>' in html
    teasers = html[html.index('id="get-involved"') :]
    assert teasers.index("Support our work.") < teasers.index("About us")
    assert "Privacy notice" not in teasers


def test_a_missing_page_gets_the_styled_404_page(client, tree):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "<h1>Page not found</h1>" in html
    assert "Skip to main content" in html
    assert 'class="site-footer"' in html


def test_the_500_page_renders_without_the_database(db, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    html = response.content.decode()
    assert "<h1>Something went wrong</h1>" in html
    assert "css/site.css" in html
