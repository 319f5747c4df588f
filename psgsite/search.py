"""Site search: Wagtail's database search backend, at a cost bounded whatever the archive's size.

`search_pages` ranks at most `SEARCH_RANKED_MATCHES` pages: where more match, the most recent of
them, so that a search for a word in every other page of an archive costs no more than one for a
rarer word. Ranking is Wagtail's own, over those pages.

On PostgreSQL the backend matches a page's title and body together, as Wagtail does, but against
the column `psgsite_title_body` that psgsite/migrations adds to Wagtail's index table: the two
vectors joined once, when the entry is written, rather than for every page at every search.
That is also a cost PostgreSQL's planner can see, so it reads only the matches it needs.

Words are matched by their stems in the language they are written in: each entry is written with
the text search configuration of its page's language (LANGUAGE_CONFIGS, SEARCH_CONFIG for the
rest), and a search reads the query with that of the language searched in, so that "derecho"
finds "derechos" in Spanish as "mine" finds "mining" in English.
"""

import copy
import functools
from collections import defaultdict

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import connection
from django.db.models import Expression, F
from django.utils.translation import get_language

from wagtail.models import Locale
from wagtail.search.backends import database, get_search_backend
from wagtail.search.query import Fuzzy, MatchAll, Not


def search_pages(query, pages):
    """(results, more): pages matching the query, the best matches first, as Wagtail's search
    results; where more than SEARCH_RANKED_MATCHES match, the most recent of them, and more is
    True. Most recent means most recently added (the highest ids): for news, the newest."""
    limit = settings.SEARCH_RANKED_MATCHES
    # Only the ids, newest first, and one more than is ranked, to tell whether there are more.
    newest = pages.order_by("-id").values_list("id", flat=True)
    ids = list(newest.search(query, order_by_relevance=False)[: limit + 1])
    ranked, more = ids[:limit], len(ids) > limit
    # A result shows a page's title, date and summary, never its body.
    listed = pages.specific().defer_streamfields()
    backend = get_search_backend()
    # PostgreSQL's backend ranks them without matching them again; elsewhere (SQLite, on a
    # laptop and in the tests) they are searched again, which at their number costs little.
    if hasattr(backend, "rank_matches"):
        return backend.rank_matches(query, listed, ranked), more
    return listed.filter(pk__in=ranked).search(query), more


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for in a backend module)
    if connection.vendor == "postgresql":
        return _postgres_backend()(params)
    return database.SearchBackend(params)


class TitleAndBody(Expression):
    """The psgsite_title_body column of the index entry joined to the page, which Wagtail's
    IndexEntry model does not declare: it names the same row as `index_entries__title`."""

    output_field = SearchVectorField()
    column = "psgsite_title_body"

    def __init__(self):
        super().__init__()
        self.sibling = F("index_entries__title")

    def get_source_expressions(self):
        return [self.sibling]

    def set_source_expressions(self, exprs):
        (self.sibling,) = exprs

    def as_sql(self, compiler, connection):
        # The sibling resolves to the joined table's title column; this is its neighbour.
        table = compiler.quote_name_unless_alias(self.sibling.alias)
        return f"{table}.{connection.ops.quote_name(self.column)}", []


def _not_ranked(query):
    """Queries that Wagtail's backend answers without matching words: everything, nothing, or
    by the similarity of spellings."""
    return isinstance(query, MatchAll | Fuzzy) or (
        isinstance(query, Not) and isinstance(query.subquery, MatchAll)
    )


@functools.cache
def _postgres_backend():
    # Imported here: the PostgreSQL backend's module needs django.contrib.postgres.
    from wagtail.search.backends.database.postgres import postgres

    class QueryCompiler(postgres.PostgresSearchQueryCompiler):
        def get_config(self, backend):
            return backend.config_for(get_language())

        def search(self, config, start, stop, score_field=None, backend=None):
            if self.fields is not None or _not_ranked(self.query):
                return super().search(config, start, stop, score_field, backend)
            search_query = self.build_tsquery(self.query, config=config)
            vectors = self.get_search_vectors(search_query)
            rank_expression = self._build_rank_expression(vectors, config)
            return self._apply_ordering_and_scoring(
                self.matching(search_query), rank_expression, start, stop, score_field
            )

        def matching(self, search_query):
            # An alias, not Wagtail's annotation: the match is only a filter, and selecting it
            # would read every matching page's vectors.
            return self.queryset.alias(_vector_=TitleAndBody()).filter(_vector_=search_query)

    class RankingCompiler(QueryCompiler):
        """Orders the pages of the queryset with the given pks, known to match, by Wagtail's
        rank, without matching them again: a match reads every matching entry, where the rank
        reads the entries of these pages only."""

        def __init__(self, queryset, query, pks, **kwargs):
            super().__init__(queryset.filter(pk__in=pks), query, **kwargs)
            self.pks = pks

        def matching(self, search_query):
            return self.queryset

    class RankedResults(postgres.PostgresSearchResults):
        def _do_count(self):
            return len(self.query_compiler.pks)

    class Index(postgres.PostgresIndex):
        """Writes each entry with the configuration of its object's language (its locale's;
        objects without one, such as images, the default's)."""

        def add_items(self, model, objs):
            languages = _languages(objs)
            by_config = defaultdict(list)
            for obj in objs:
                language = languages.get(getattr(obj, "locale_id", None))
                by_config[self.backend.config_for(language)].append(obj)
            for config, group in by_config.items():
                # Wagtail's indexer takes the configuration from the backend it is given.
                postgres.PostgresIndex(self.backend.with_config(config)).add_items(model, group)

    class PostgresSearchBackend(postgres.PostgresSearchBackend):
        query_compiler_class = QueryCompiler
        index_class = Index

        def __init__(self, params):
            super().__init__(params)
            self.language_configs = params.get("LANGUAGE_CONFIGS", {})

        def config_for(self, language_code):
            """The text search configuration of a language ("es", "en-gb"), or the default."""
            language = (language_code or "").split("-")[0]
            return self.language_configs.get(language, self.config)

        def with_config(self, config):
            if config == self.config:
                return self
            backend = copy.copy(self)
            backend.config = config
            return backend

        def rank_matches(self, query, queryset, pks):
            """Search results of the pages of queryset with these pks, which match query,
            ranked; their number is that of the pks."""
            return RankedResults(self, RankingCompiler(queryset, query, pks=pks))

    return PostgresSearchBackend


def _languages(objs):
    """{locale id: language code} of the locales of the objects that have one."""
    ids = {getattr(obj, "locale_id", None) for obj in objs} - {None}
    if not ids:
        return {}
    return dict(Locale.objects.filter(pk__in=ids).values_list("pk", "language_code"))
