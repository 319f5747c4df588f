"""The admin's screens cost a moderator as many queries with fifteen news items as with three:
the page explorer and the page chooser at the news index, a news item's editor, its preview,
and saving it as a draft. bench/admin.py times the same screens on the bench's archive. The
explorer's translation buttons come with its listing's query (psgsite/wagtail_hooks.py)."""

import datetime

import pytest
from wagtail_localize.models import TranslationSource

from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from wagtail.test.utils import WagtailTestUtils

from psgsite.roles import MODERATORS, set_up_roles
from tests.conftest import in_spanish
from tests.editorial import edit_form, paragraph
from tests.factories import NewsPageFactory, UserFactory
from tests.query_counts import add_news

CHOOSER_AT_INDEX = "chooser at the news index"
TRANSLATE = "Translate this page"
SYNC = "Sync translated pages"


@pytest.fixture
def moderator(client, news_index):
    set_up_roles()
    user = UserFactory(username="mo", groups=[MODERATORS])
    client.force_login(user)
    return user


def admin_requests(client, index, item):
    """(method, url, data, status) of each screen, in the order the admin makes them: the
    preview is shown from the form sent just before."""
    edit = f"/admin/pages/{item.pk}/edit/"
    data = edit_form(client, item, [paragraph("<p>A draft.</p>")])
    return {
        "explorer": ("get", f"/admin/pages/{index.pk}/", None, 200),
        "chooser": ("get", "/admin/choose-page/", None, 200),
        CHOOSER_AT_INDEX: ("get", f"/admin/choose-page/{index.pk}/", None, 200),
        "editor": ("get", edit, None, 200),
        "preview sent": ("post", f"{edit}preview/", data, 200),
        "preview shown": ("get", f"{edit}preview/", None, 200),
        "draft saved": ("post", edit, data, 302),
    }


def admin_queries(client, index, item):
    """{screen: its queries}, from a second round of requests with the caches emptied before
    each, so that none hides a query (the first makes renditions and the preview's stored
    form)."""
    requests = admin_requests(client, index, item)
    counts = {}
    for counting in (False, True):
        for screen, (method, url, data, status) in requests.items():
            for cache in caches.all():
                cache.clear()
            with CaptureQueriesContext(connection) as queries:
                response = getattr(client, method)(url, data) if data else client.get(url)
            assert response.status_code == status, (screen, response.status_code)
            if counting:
                counts[screen] = len(queries)
    return counts


@pytest.mark.django_db
def test_admin_queries_do_not_grow_with_the_archive(client, news_index, moderator):
    item = add_news(news_index, 3)[0]
    with_three = admin_queries(client, news_index, item)
    add_news(news_index, 12)
    with_fifteen = admin_queries(client, news_index, item)
    # Wagtail's chooser reads each row's parent for its data-parent-id, one query a row up to a
    # page of 25 (wagtailadmin/chooser/tables/page_title_cell.html); anything more is ours.
    assert with_fifteen == {**with_three, CHOOSER_AT_INDEX: with_three[CHOOSER_AT_INDEX] + 12}


@pytest.mark.django_db
def test_the_chooser_shows_scheduled_and_moderated_pages_as_the_explorer_does(
    client, news_index, moderator
):
    """Their statuses come with the listing's query (psgsite/wagtail_hooks.py)."""
    scheduled, moderated, plain = add_news(news_index, 3)
    scheduled.save_revision(
        user=moderator, approved_go_live_at=timezone.now() + datetime.timedelta(days=30)
    )
    moderated.get_workflow().start(moderated, moderator)

    def statuses(url):
        response = client.get(url)
        # The chooser is a modal: its HTML comes inside JSON.
        is_modal = response["Content-Type"] == "application/json"
        html = response.json()["html"] if is_modal else response.content.decode()
        return {
            page.title: _status_after(html, page.title) for page in (scheduled, moderated, plain)
        }

    in_chooser = statuses(f"/admin/choose-page/{news_index.pk}/")
    assert in_chooser == statuses(f"/admin/pages/{news_index.pk}/")
    assert in_chooser == {
        scheduled.title: "live + scheduled",
        moderated.title: "live + in moderation",
        plain.title: "live",
    }


@pytest.mark.django_db
def test_the_explorer_offers_to_translate_a_page_and_to_sync_its_translations(
    client, home, news_index, moderator
):
    """A row offers "Translate this page" while a language lacks the page, and "Sync
    translated pages" once wagtail-localize keeps its translations; neither for a page copied
    into every language by hand. The same in the explorer's search; and the explorer's queries
    do not grow with the translated rows."""
    in_spanish(home)
    spanish_index = in_spanish(news_index, title="Noticias")
    untranslated, copied, synced = (
        NewsPageFactory(parent=news_index, title=title)
        for title in ("Untranslated item", "Item copied by hand", "Item kept in sync")
    )
    in_spanish(copied)
    submit = reverse("wagtail_localize:submit_page_translation", args=[synced.pk])
    assert client.post(submit, {"locales": [spanish_index.locale_id]}).status_code == 302
    source = TranslationSource.objects.get(object_id=synced.translation_key)
    explorer = f"/admin/pages/{news_index.pk}/"

    assert translation_actions(client, explorer, [untranslated, copied, synced]) == {
        untranslated.title: {TRANSLATE: f"/admin/localize/submit/page/{untranslated.pk}/"},
        copied.title: {},
        synced.title: {
            SYNC: f"/admin/localize/update/{source.pk}/?next=%2Fadmin%2Fpages%2F{news_index.pk}%2F"
        },
    }
    search = f"{explorer}?q=item"
    assert translation_actions(client, search, [untranslated, copied, synced]) == (
        translation_actions(client, explorer, [untranslated, copied, synced])
    )

    with_three = queries(client, explorer)
    for page in [NewsPageFactory(parent=news_index) for _ in range(3)]:
        submit = reverse("wagtail_localize:submit_page_translation", args=[page.pk])
        assert client.post(submit, {"locales": [spanish_index.locale_id]}).status_code == 302
    assert queries(client, explorer) == with_three


def queries(client, url):
    """The number of queries a GET of url makes, with the caches emptied first."""
    for cache in caches.all():
        cache.clear()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def translation_actions(client, url, pages):
    """{title: {label: link}} of the translation actions in each page's row of the listing."""
    rows = WagtailTestUtils.get_soup(client.get(url).content).select("tbody tr")
    actions = {}
    for page in pages:
        (row,) = [row for row in rows if page.title in row.get_text()]
        actions[page.title] = {
            label: link["href"]
            for link in row.select("a[href]")
            if (label := " ".join(link.get_text().split())) in (TRANSLATE, SYNC)
        }
    return actions


def _status_after(html, title):
    """The status tag in the listing's row of the page with that title."""
    for row in WagtailTestUtils.get_soup(html).select("tbody tr"):
        if title in row.get_text():
            status = row.select_one(".w-status--primary")
            for label in status.select(".w-sr-only"):
                label.decompose()  # "Current page status:", for screen readers
            return " ".join(status.get_text().split())
    raise AssertionError(f"No row for {title!r}")
