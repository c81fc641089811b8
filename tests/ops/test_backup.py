"""A backup of the database, restored into an empty one, loses no signature and its counts reconcile.

The commands are README's ("Backups and restore"), run with PostgreSQL's own pg_dump and pg_restore against
the test database (committed rows: transaction=True) and a database of the test's own, dropped afterwards.
"""

import os
import shutil
import subprocess
import sys

import psycopg
import pytest
from django.db import connection

from tests.builders import build_campaign, build_index, build_signature, build_site, translate
from tests.services import ROOT, database_url, missing

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

# As README shows them, with the database's URL and the file's name in place of the examples.
DUMP = "pg_dump --format=custom --no-owner --no-privileges --file={file} {url}"
RESTORE = "pg_restore --no-owner --no-privileges --exit-on-error --dbname={url} {file}"

SIGNATURES = "SELECT md5(string_agg(s::text, ',' ORDER BY s.id)), count(*) FROM campaigns_signature AS s"
STORED_COUNTS = (
    "SELECT campaign_key::text, sum(count) FROM campaigns_signaturecounter GROUP BY campaign_key ORDER BY 1"
)
COUNTED_ROWS = (
    "SELECT campaign_key::text, count(*) FROM campaigns_signature WHERE counted "
    "GROUP BY campaign_key ORDER BY 1"
)


def run(command, **names):
    words = command.format(**names).split()
    if shutil.which(words[0]) is None:
        missing(f"test needs {words[0]} (apt-get install -y postgresql-client)")
    result = subprocess.run(words, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr


def query(url, sql):
    with psycopg.connect(url) as db:
        return db.execute(sql).fetchall()


@pytest.fixture
def empty_database():
    """A new, empty database on the same server, as an operator creates one to restore into."""
    name = f"{connection.settings_dict['NAME']}_restored"
    server = database_url().rsplit("/", 1)[0]
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    yield f"{server}/{name}"
    with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def signatures():
    """Two campaigns, one signed in two languages; counted, unconfirmed and erased signatures."""
    index = build_index(build_site())
    ring = build_campaign(index, slug="ring")
    ring_de = translate(ring, "de")
    faces = build_campaign(index, slug="faces", title="Stop face surveillance")
    for _ in range(23):
        build_signature(ring)
    for _ in range(9):
        build_signature(ring_de)
    for _ in range(4):
        build_signature(ring, counted=False)  # waiting for their confirmation link: not counted
    for _ in range(12):
        build_signature(faces)
    build_signature(faces).delete()  # erased: counted once, then taken off
    return ring, faces


def test_a_restored_backup_has_every_signature_and_counts_that_reconcile(
    signatures, empty_database, tmp_path
):
    ring, faces = signatures
    live = database_url()
    backup = tmp_path / "campaigns.dump"

    run(DUMP, file=backup, url=live)
    run(RESTORE, file=backup, url=empty_database)

    # Nothing lost: every signature, every column, and every stored count.
    assert query(empty_database, SIGNATURES) == query(live, SIGNATURES)
    assert query(empty_database, SIGNATURES)[0][1] == 23 + 9 + 4 + 12
    assert query(empty_database, STORED_COUNTS) == query(live, STORED_COUNTS)
    # The counts reconcile with the rows: restoring loaded the rows before the counting triggers existed,
    # so nothing was counted twice.
    assert dict(query(empty_database, STORED_COUNTS)) == {
        str(ring.translation_key): 32,
        str(faces.translation_key): 12,
    }
    assert query(empty_database, STORED_COUNTS) == query(empty_database, COUNTED_ROWS)

    # The site's own check agrees, run against the restored database.
    result = subprocess.run(
        [sys.executable, "manage.py", "reconcile_counts"],
        cwd=ROOT,
        env={**os.environ, "DATABASE_URL": empty_database, "DJANGO_SETTINGS_MODULE": "config.settings.dev"},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert "All counts match their signatures." in result.stdout

    # The restored database keeps counting: the triggers came back, and new rows get new ids.
    with psycopg.connect(empty_database) as db:
        db.execute("UPDATE campaigns_signature SET counted = true WHERE NOT counted")
        [(last_id,)] = db.execute("SELECT last_value FROM campaigns_signature_id_seq").fetchall()
        [(highest,)] = db.execute("SELECT max(id) FROM campaigns_signature").fetchall()
    assert dict(query(empty_database, STORED_COUNTS))[str(ring.translation_key)] == 36
    assert last_id >= highest


def test_readme_shows_the_backup_and_restore_commands():
    readme = (ROOT / "README.md").read_text()
    assert DUMP.format(file="campaigns.dump", url='"$DATABASE_URL"') in readme
    assert RESTORE.format(file="campaigns.dump", url='"$RESTORE_URL"') in readme
