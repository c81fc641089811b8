"""Site search backend: Wagtail's database search, with each locale's own stemming on PostgreSQL.

Wagtail's PostgreSQL backend indexes and queries every document with one text search configuration.
Our pages come in several languages, so a German page should be stemmed as German ("Überwachungskameras"
matches "Überwachungskamera"). This backend indexes each object with the configuration of its locale and
queries with the configuration of the active language; search views always filter on that locale.
On SQLite (the zero-setup default) it is Wagtail's ordinary database backend, with quotes made safe.
"""

import copy
from collections import defaultdict

from django.db import connection
from django.utils import translation
from wagtail.search.backends.database import SearchBackend as DatabaseSearchBackend

# PostgreSQL text search configurations per language (the part of the code before any "-").
SEARCH_CONFIGS = {"en": "english", "de": "german", "fr": "french", "es": "spanish"}
FALLBACK_CONFIG = "simple"


def search_config_for(language_code):
    """The PostgreSQL text search configuration for a language code such as "en-gb" or "de"."""
    return SEARCH_CONFIGS.get((language_code or "").split("-")[0].lower(), FALLBACK_CONFIG)


def SearchBackend(params):
    """Pick the backend for the default database, as Wagtail's `database` backend does."""
    if connection.vendor == "postgresql":
        return _localised_postgres_backend_class()(params)
    backend = DatabaseSearchBackend(params)
    if connection.vendor == "sqlite" and type(backend).__name__ == "SQLiteSearchBackend":
        return _quote_safe_sqlite_backend_class(type(backend))(params)
    return backend


def _quote_safe_sqlite_backend_class(sqlite_backend_class):
    class QuoteSafeSQLiteSearchBackend(sqlite_backend_class):
        """SQLite's full-text search with double quotes in a query doubled, as FTS5 wants them.

        The backend writes each word of a query between double quotes but does not double the quotes inside
        it, so a search for `"` or `say "no"` was an FTS5 syntax error (a 500). Quotes mean nothing in our
        plain-text searches; doubled, they are searched for as themselves.
        """

        def _search(self, query_compiler_class, query, model_or_queryset, **kwargs):
            if isinstance(query, str):
                query = query.replace('"', '""')
            return super()._search(query_compiler_class, query, model_or_queryset, **kwargs)

    return QuoteSafeSQLiteSearchBackend


def _localised_postgres_backend_class():
    # Imported here: the PostgreSQL module needs psycopg and a PostgreSQL connection to load.
    from modelsearch.backends.database.postgres.postgres import (
        PostgresIndex,
        PostgresSearchBackend,
        PostgresSearchQueryCompiler,
    )

    class LocalisedPostgresIndex(PostgresIndex):
        def add_items(self, model, objs):
            by_config = defaultdict(list)
            for obj in objs:
                locale = getattr(obj, "locale", None)
                by_config[search_config_for(locale.language_code if locale else None)].append(obj)
            for config, group in by_config.items():
                PostgresIndex(self.backend.with_config(config)).add_items(model, group)

    class LocalisedQueryCompiler(PostgresSearchQueryCompiler):
        def get_config(self, backend):
            return search_config_for(translation.get_language())

    class LocalisedPostgresSearchBackend(PostgresSearchBackend):
        index_class = LocalisedPostgresIndex
        query_compiler_class = LocalisedQueryCompiler

        def with_config(self, config):
            backend = copy.copy(self)
            backend.config = config
            return backend

    return LocalisedPostgresSearchBackend
