"""On SQLite, search finds words in any form: "camera" finds "cameras", "caméra" finds "caméras" and "camera".

Wagtail's SQLite backend searches an FTS5 table (wagtailsearch_indexentry_fts) that Wagtail's migration
creates with FTS5's default tokenizer: words are matched as typed, so "cameras" never found "camera". FTS5 ships
a stemming tokenizer, `porter` (https://sqlite.org/fts5.html#porter_tokenizer), which wraps `unicode61`;
`remove_diacritics 2` also folds accents, so "caméra" and "camera" are one word. The table is rebuilt with it
and refilled from the index entries; Wagtail's triggers, which keep it in step with them, stay as they are
(they name the table, and a new table of the same name is theirs). Queries go through the same tokenizer, so a
search is stemmed as the text was.

The Porter stemmer is English's; in French, German and Spanish it still joins singulars and plurals, which is
most of what a visitor types ("Überwachungskamera" finds "Überwachungskameras"). PostgreSQL stems each page in
its own language (search/backends.py). Other databases are left alone.
"""

from django.db import migrations

TABLE = "wagtailsearch_indexentry_fts"
COLUMNS = "autocomplete, body, title"
STEMMING = "porter unicode61 remove_diacritics 2"


def _fts_table_exists(schema_editor):
    with schema_editor.connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = %s", [TABLE])
        return cursor.fetchone() is not None


def _rebuild(schema_editor, tokenize):
    if schema_editor.connection.vendor != "sqlite" or not _fts_table_exists(schema_editor):
        return
    with schema_editor.connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")
        options = f", tokenize = '{tokenize}'" if tokenize else ""
        cursor.execute(f"CREATE VIRTUAL TABLE {TABLE} USING fts5({COLUMNS}{options})")
        cursor.execute(
            f"INSERT INTO {TABLE} (rowid, {COLUMNS}) "  # noqa: S608 (constant names, no input)
            f"SELECT id, {COLUMNS} FROM wagtailsearch_indexentry"
        )


def stem(apps, schema_editor):
    _rebuild(schema_editor, STEMMING)


def unstem(apps, schema_editor):
    _rebuild(schema_editor, None)


class Migration(migrations.Migration):
    dependencies = [("wagtailsearch", "0010_add_text_fields")]

    operations = [migrations.RunPython(stem, unstem)]
