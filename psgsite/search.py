"""Site search: Wagtail's database search backend, with one change on PostgreSQL.

There its query annotated each match with the page's whole search vector (title || body) only to
filter on it, so PostgreSQL built the vector of every matching page, reading each page's body,
before keeping the ten on show: most of the time of a search for a common word in an archive of
thousands. Here the same filter is an alias, which selects nothing, and the index made in
psgsite/migrations answers it. Matching and ranking are Wagtail's own.
"""

from django.db import connection

from wagtail.search.backends import database
from wagtail.search.query import Fuzzy, MatchAll, Not


def SearchBackend(params):  # noqa: N802 (the name Wagtail looks for in a backend module)
    if connection.vendor == "postgresql":
        return _postgres_backend()(params)
    return database.SearchBackend(params)


def _postgres_backend():
    # Imported here: the PostgreSQL backend's module needs django.contrib.postgres.
    from wagtail.search.backends.database.postgres import postgres

    class QueryCompiler(postgres.PostgresSearchQueryCompiler):
        def search(self, config, start, stop, score_field=None, backend=None):
            query = self.query
            if isinstance(query, MatchAll | Fuzzy) or (
                isinstance(query, Not) and isinstance(query.subquery, MatchAll)
            ):
                return super().search(config, start, stop, score_field, backend)
            search_query = self.build_tsquery(query, config=config)
            vectors = self.get_search_vectors(search_query)
            rank_expression = self._build_rank_expression(vectors, config)
            combined_vector = vectors[0][0]
            for vector, _boost in vectors[1:]:
                combined_vector = combined_vector._combine(vector, "||", False)
            queryset = self.queryset.alias(_vector_=combined_vector).filter(_vector_=search_query)
            return self._apply_ordering_and_scoring(
                queryset, rank_expression, start, stop, score_field
            )

    class PostgresSearchBackend(postgres.PostgresSearchBackend):
        query_compiler_class = QueryCompiler

    return PostgresSearchBackend
