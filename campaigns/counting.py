"""The database keeps each campaign's public count: triggers on the signature table.

A signature that counts (stored with `counted`, or updated to it when its link is used) adds one to one of its
campaign's counter rows (campaigns.models.counter.SignatureCounter); a counted signature deleted (erasure) or
uncounted takes one off. So the statement that stores, confirms or deletes a signature also counts it, in the
same transaction, whatever code runs it: the signing service, an erasure, Wagtail's own "delete submissions",
a restore from a backup, a script. Nothing can store a signature and forget its count, and a signature costs
one statement (one round trip) instead of a transaction of two.

On PostgreSQL the row is picked at random among COUNTER_SHARDS, so concurrent signers rarely wait on one
row's lock (bench/counter_contention.py measured why), and the triggers work per statement, so a statement
that stores or deletes a million signatures moves each campaign's count once; SQLite has one writer at a
time and uses one row.

The triggers are (re)installed after every `migrate` (an idempotent post_migrate step), because SQLite drops
a table's triggers whenever a migration rebuilds the table. tests/campaigns/test_counting.py proves each path.
"""

from django.db import connections

from campaigns.models.counter import COUNTER_SHARDS

# PostgreSQL: statement-level triggers over the statement's transition tables, so a statement touching many
# signatures (a COPY of a million, a campaign's rows deleted) changes each campaign's count once. Per-row
# triggers would update the same few counter rows a million times in one transaction, each update walking a
# longer chain of row versions: quadratic. A signature stored alone costs the same either way.
_POSTGRESQL_ADD = """
    INSERT INTO campaigns_signaturecounter (campaign_key, shard, count)
    SELECT campaign_key, floor(random() * {shards})::smallint, delta FROM (
        {changes}
    ) AS changes WHERE delta <> 0
    ON CONFLICT (campaign_key, shard)
    DO UPDATE SET count = campaigns_signaturecounter.count + EXCLUDED.count
"""
_POSTGRESQL_CHANGES = {
    "insert": "SELECT campaign_key, count(*) AS delta FROM added WHERE counted GROUP BY campaign_key",
    "delete": "SELECT campaign_key, -count(*) AS delta FROM removed WHERE counted GROUP BY campaign_key",
    "update": (
        "SELECT after.campaign_key, sum(CASE WHEN after.counted AND NOT before.counted THEN 1 "
        "WHEN before.counted AND NOT after.counted THEN -1 ELSE 0 END) AS delta "
        "FROM changed AS after JOIN unchanged AS before ON before.id = after.id GROUP BY after.campaign_key"
    ),
}
_POSTGRESQL_TRANSITIONS = {
    "insert": "REFERENCING NEW TABLE AS added",
    "delete": "REFERENCING OLD TABLE AS removed",
    "update": "REFERENCING NEW TABLE AS changed OLD TABLE AS unchanged",
}


def _postgresql_statements(shards):
    statements = []
    for event, changes in _POSTGRESQL_CHANGES.items():
        function = f"campaigns_signature_count_{event}"
        body = _POSTGRESQL_ADD.replace("{shards}", str(shards)).replace("{changes}", changes)
        statements += [
            f"CREATE OR REPLACE FUNCTION {function}() RETURNS trigger AS $$ BEGIN {body}; RETURN NULL; END; $$ "
            "LANGUAGE plpgsql",
            f"DROP TRIGGER IF EXISTS {function} ON campaigns_signature",
            f"CREATE TRIGGER {function} AFTER {event.upper()} ON campaigns_signature "
            f"{_POSTGRESQL_TRANSITIONS[event]} FOR EACH STATEMENT EXECUTE FUNCTION {function}()",
        ]
    # The per-row trigger of the first version of this module, if a database still has it.
    statements += [
        "DROP TRIGGER IF EXISTS campaigns_signature_count ON campaigns_signature",
        "DROP FUNCTION IF EXISTS campaigns_signature_count()",
    ]
    return statements


_SQLITE_UPSERT = """
    INSERT INTO campaigns_signaturecounter (campaign_key, shard, count) VALUES ({key}, 0, {delta})
    ON CONFLICT (campaign_key, shard) DO UPDATE SET count = count + excluded.count;
"""

SQLITE_CREATE = [
    "CREATE TRIGGER IF NOT EXISTS campaigns_signature_count_insert AFTER INSERT ON campaigns_signature "
    "WHEN NEW.counted BEGIN" + _SQLITE_UPSERT.format(key="NEW.campaign_key", delta="1") + "END",
    "CREATE TRIGGER IF NOT EXISTS campaigns_signature_count_delete AFTER DELETE ON campaigns_signature "
    "WHEN OLD.counted BEGIN" + _SQLITE_UPSERT.format(key="OLD.campaign_key", delta="-1") + "END",
    "CREATE TRIGGER IF NOT EXISTS campaigns_signature_count_update AFTER UPDATE OF counted ON campaigns_signature "
    "WHEN NEW.counted <> OLD.counted BEGIN"
    + _SQLITE_UPSERT.format(key="NEW.campaign_key", delta="CASE WHEN NEW.counted THEN 1 ELSE -1 END")
    + "END",
]


def trigger_statements(vendor, shards=COUNTER_SHARDS):
    """The statements that create (or replace) the counting triggers on this kind of database."""
    if vendor == "postgresql":
        return _postgresql_statements(shards)
    if vendor == "sqlite":
        return SQLITE_CREATE
    raise NotImplementedError(
        f"No counting triggers for {vendor}: use PostgreSQL (or SQLite for development)."
    )


def install_triggers(using="default", shards=COUNTER_SHARDS, **kwargs):
    """Create or replace the counting triggers (a post_migrate step: safe to run any number of times)."""

    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in trigger_statements(connection.vendor, shards):
            cursor.execute(statement)
