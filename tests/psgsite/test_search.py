"""Site search over news, events, about and join pages, including their StreamField text."""

import pytest

from django.db import connection
from django.test import TestCase, override_settings
from django.test.utils import CaptureQueriesContext

from news.models import NewsIndexPage, NewsPage
from tests.conftest import in_spanish, load_site_content
from tests.factories import AboutPageFactory, NewsPageFactory


class SearchTests(TestCase):
    @classmethod
    def setUpTestData(cls):
        load_site_content()
        index = NewsIndexPage.objects.get()
        draft = index.add_child(instance=NewsPage(title="Secret coca draft", slug="secret"))
        draft.unpublish()

    def search(self, query, **params):
        response = self.client.get("/search/", {"q": query, **params})
        self.assertEqual(response.status_code, 200)
        return response.content.decode()

    def test_finds_text_inside_streamfield_bodies(self):
        # "coca" appears only in the body of the conference announcement.
        html = self.search("coca")
        self.assertIn("Peru and the Persistence of Inequality", html)
        self.assertIn('<span class="tag">Event</span> Date never confirmed', html)
        self.assertIn('Announced <time datetime="2012-11-01">1 November 2012</time>', html)
        self.assertNotIn("Secret coca draft", html)

    def test_has_a_description_for_shared_links_and_search_engines(self):
        head = self.search("mining").split("</head>")[0]
        self.assertIn(
            '<meta name="description" content="Search the Peru Support Group&#x27;s news', head
        )

    def test_results_show_title_date_kind_and_summary(self):
        html = self.search("Conga")
        self.assertIn("1 result for “Conga”", html)
        self.assertIn("Minas Conga referendum plans disputed", html)
        self.assertIn('<time datetime="2013-03-08">8 March 2013</time>', html)
        self.assertIn("Authorities have rejected attempts to mount a referendum", html)

    def test_covers_about_and_join_pages(self):
        self.assertIn("PSG Aims", self.search("advocacy"))
        self.assertIn("Why join the PSG?", self.search("Keep up to date"))
        self.assertIn("Historical Overview", self.search("autocratic"))

    def test_search_results_are_not_for_search_engines(self):
        self.assertIn('<meta name="robots" content="noindex">', self.search("mining"))

    def test_paginates_and_keeps_the_query(self):
        for n in range(12):
            NewsIndexPage.objects.get().add_child(
                instance=NewsPage(title=f"Quinoa report {n}", slug=f"quinoa-{n}")
            )
        first = self.search("quinoa")
        self.assertIn("12 results", first)
        # Ranked by relevance, not by date: next and previous results, not older and newer.
        self.assertIn('href="?q=quinoa&amp;page=2" rel="next">Next results</a>', first)
        self.assertNotIn("Older", first)
        second = self.search("quinoa", page="2")
        self.assertIn("Page 2 of 2", second)
        self.assertIn('href="?q=quinoa&amp;page=1" rel="prev">Previous results</a>', second)
        self.assertNotIn("Newer", second)
        self.assertIn("Page 1 of 2", self.search("quinoa", page="abc"))


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        "",
        "   ",
        '"human rights"',
        '"unclosed quote',
        "!!!",
        "&&& ||| ::: ***",
        "'; DROP TABLE wagtailcore_page; --",
        "<script>alert(1)</script>",
        "mining " * 2000,
        "a" * 10_000,
        "Cañaris 李 Quispe",
        "\x00",
        "(",
        "mining)",
        "NEAR(mining water)",
        "title:mining",
        "-",
        "*mining",
        "^mining",
        "mining OR",
        "AND",
        "NOT mining",
        '""',
    ],
)
def test_any_query_gives_a_page_never_an_error(client, home, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>alert(1)</script>" not in html
    if len(query) > 200:
        assert "only its first 200 characters were used" in html


def body_of(text):
    return [{"type": "paragraph", "value": f"<p>{text}</p>"}]


@pytest.mark.django_db
@override_settings(SEARCH_RANKED_MATCHES=3)
def test_where_more_match_than_are_ranked_the_most_recent_are_listed(client, news_index):
    reports = [NewsPageFactory(parent=news_index, title=f"Quinoa report {n}") for n in range(3)]
    html = client.get("/search/", {"q": "quinoa"}).content.decode()
    assert "3 results for “quinoa”" in html and "More than" not in html
    reports += [NewsPageFactory(parent=news_index, title=f"Quinoa report {n}") for n in (3, 4)]
    html = client.get("/search/", {"q": "quinoa"}).content.decode()
    assert "More than 3 results for “quinoa”" in html
    assert "The 3 most recent are listed, the best matches first." in html
    assert [report.title in html for report in reports] == [False, False, True, True, True]
    assert "Page 1 of" not in html  # three results: one page


@pytest.mark.django_db
def test_the_best_match_comes_first_whatever_its_age(client, news_index):
    NewsPageFactory(parent=news_index, title="Quinoa harvest", body=body_of("Quinoa, quinoa."))
    NewsPageFactory(parent=news_index, title="Market prices", body=body_of("Rice and quinoa."))
    html = client.get("/search/", {"q": "quinoa"}).content.decode()
    assert html.index("Quinoa harvest") < html.index("Market prices")


@pytest.mark.django_db
def test_a_published_edit_is_found_by_its_new_words_only(client, news_index):
    story = NewsPageFactory(parent=news_index, title="Quinoa report", summary="The harvest.")
    story.title = "Amaranth report"
    story.save_revision().publish()
    assert "Amaranth report" in client.get("/search/", {"q": "amaranth"}).content.decode()
    assert "0 results" in client.get("/search/", {"q": "quinoa"}).content.decode()


@pytest.fixture
def in_both_languages(home, news_index, spanish_home):
    """A story and an about page in English, and their Spanish translations."""
    story = NewsPageFactory(
        parent=news_index,
        title="Mining rights in Cajamarca",
        body=body_of("The communities defend their rights."),
    )
    about = AboutPageFactory(parent=home, title="Who we are in Cajamarca", slug="about")
    in_spanish(news_index, title="Noticias", slug="noticias")
    in_spanish(
        story,
        title="Derechos mineros en Cajamarca",
        slug="derechos-mineros",
        summary="Resumen.",
        body=body_of("Las comunidades defienden sus derechos."),
    )
    in_spanish(about, title="Quiénes somos en Cajamarca", slug="quienes-somos")
    return story


@pytest.mark.django_db
def test_each_language_searches_its_own_pages(client, in_both_languages):
    english = client.get("/search/", {"q": "Cajamarca"}).content.decode()
    assert "2 results for “Cajamarca”" in english
    assert "Mining rights in Cajamarca" in english and "Who we are in Cajamarca" in english
    assert '<span class="tag">News item</span>' in english
    assert '<span class="tag">About page</span>' in english
    spanish = client.get("/es/search/", {"q": "Cajamarca"}).content.decode()
    assert "2 resultados para “Cajamarca”" in spanish
    assert "Derechos mineros en Cajamarca" in spanish and "Quiénes somos en Cajamarca" in spanish
    assert "Mining rights" not in spanish and "Who we are" not in spanish
    assert '<span class="tag">Noticia</span>' in spanish
    assert '<span class="tag">Página informativa</span>' in spanish
    assert 'href="/es/noticias/derechos-mineros/"' in spanish


on_postgresql = pytest.mark.skipif(
    connection.vendor != "postgresql", reason="the change is to the PostgreSQL search backend"
)


@on_postgresql
@pytest.mark.django_db
def test_on_postgresql_words_are_matched_by_their_english_stem(client, news_index):
    """Whatever the database server's own default language: here none."""
    NewsPageFactory(parent=news_index, title="Mining in Cajamarca")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL default_text_search_config = 'simple'")
    assert "Mining in Cajamarca" in client.get("/search/", {"q": "mines"}).content.decode()


@on_postgresql
@override_settings(SEARCH_RANKED_MATCHES=5)
def test_on_postgresql_one_query_matches_and_another_ranks_the_most_recent(client, news_index):
    """The match is against the stored title-and-body column (psgsite/migrations), once; the
    ranking reads the entries of the pages to rank only, and no query selects a page's vectors,
    which would read every matching page's body."""
    for number in range(12):
        NewsPageFactory(parent=news_index, title=f"Mining story {number}")
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/search/", {"q": "mining"})
    assert "Mining story 11" in response.content.decode()
    assert "Mining story 6" not in response.content.decode()
    searches = [q["sql"] for q in queries if "wagtailsearch_indexentry" in q["sql"]]
    matching = [sql for sql in searches if "@@" in sql]
    assert len(matching) == 1
    assert '"wagtailsearch_indexentry"."psgsite_title_body" @@' in matching[0]
    assert matching[0].endswith("LIMIT 6")
    ranking = [sql for sql in searches if "ts_rank" in sql]
    assert len(ranking) == 1 and "@@" not in ranking[0]
    for sql in searches:
        selected = sql.split(" FROM ", 1)[0]
        assert '"body"' not in selected and "psgsite_title_body" not in selected, sql


@on_postgresql
@pytest.mark.django_db
def test_on_postgresql_the_sites_queries_use_no_parallel_workers():
    """Starting one took longer than the search it was started for (settings/base.py)."""
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone() == ("0",)


@on_postgresql
@pytest.mark.django_db
def test_on_postgresql_saving_a_page_refreshes_the_title_norms_from_an_index(news_index):
    """After each save, Wagtail's backend averages the title length of every index entry and
    updates the new entries' norms: both are answered from psgsite/migrations' index on the
    norm, which holds the titles, rather than by reading the whole table (the planner is told to
    avoid that where it can; with this table's few rows it would otherwise read it anyway)."""
    story = NewsPageFactory(parent=news_index, title="Mining in Cajamarca")
    with CaptureQueriesContext(connection) as queries:
        story.save_revision().publish()
    norms = [q["sql"] for q in queries if "wagtailsearch_indexentry" in q["sql"]]
    norms = [sql for sql in norms if '"title_norm"' in sql or "AVG(" in sql]
    # The average and the update, once for each of the page's saves.
    assert {sql.split(" ", 1)[0] for sql in norms} == {"SELECT", "UPDATE"}, norms
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        for sql in norms:
            cursor.execute(f"EXPLAIN {sql}")
            plan = "\n".join(row[0] for row in cursor.fetchall())
            assert "psgsite_indexentry_title_norm" in plan, plan


@on_postgresql
@pytest.mark.django_db
def test_on_postgresql_spanish_words_are_matched_by_their_spanish_stem(client, in_both_languages):
    """Each page's entry is written with its language's stems, and each search reads the query
    with the stems of the language searched in."""
    spanish = client.get("/es/search/", {"q": "derecho"}).content.decode()
    assert "Derechos mineros en Cajamarca" in spanish
    assert "Derechos mineros" in client.get("/es/search/", {"q": "comunidad"}).content.decode()
    english = client.get("/search/", {"q": "derecho"}).content.decode()
    assert "0 results for “derecho”" in english
    assert "Mining rights" in client.get("/search/", {"q": "right"}).content.decode()
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT page.title, entry.psgsite_title_body::text FROM wagtailsearch_indexentry entry"
            " JOIN wagtailcore_page page ON entry.object_id = page.id::text"
            " WHERE page.title LIKE '%%Cajamarca'"
        )
        vectors = dict(cursor.fetchall())
    # Spanish stems ("derechos" is "derech", as "derecho" is), English stems ("rights" "right").
    assert "'derech'" in vectors["Derechos mineros en Cajamarca"]
    assert "'right'" in vectors["Mining rights in Cajamarca"]
