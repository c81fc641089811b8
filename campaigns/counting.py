"""The database keeps each campaign's public count: triggers on the signature table.

A signature that counts (stored with `counted`, or updated to it when its link is used) adds one to one of its
campaign's counter rows (campaigns.signatures.SignatureCounter); a counted signature deleted (erasure) or
uncounted takes one off. So the statement that stores, confirms or deletes a signature also counts it, in the
same transaction, whatever code runs it: the signing service, an erasure, Wagtail's own "delete submissions",
a restore from a backup, a script. Nothing can store a signature and forget its count, and a signature costs
one statement (one round trip) instead of a transaction of two.

On PostgreSQL the row is picked at random among COUNTER_SHARDS, so concurrent signers rarely wait on one
row's lock (bench/counter_contention.py measured why); SQLite has one writer at a time and uses one row.

The triggers are (re)installed after every `migrate` (an idempotent post_migrate step), because SQLite drops
a table's triggers whenever a migration rebuilds the table. tests/campaigns/test_counting.py proves each path.
"""

from campaigns.signatures import COUNTER_SHARDS

POSTGRESQL_CREATE = [
    """
    CREATE OR REPLACE FUNCTION campaigns_signature_count() RETURNS trigger AS $$
    DECLARE
        delta integer := 0;
        campaign uuid;
    BEGIN
        IF TG_OP = 'INSERT' THEN
            IF NEW.counted THEN delta := 1; campaign := NEW.campaign_key; END IF;
        ELSIF TG_OP = 'DELETE' THEN
            IF OLD.counted THEN delta := -1; campaign := OLD.campaign_key; END IF;
        ELSIF NEW.counted AND NOT OLD.counted THEN
            delta := 1; campaign := NEW.campaign_key;
        ELSIF OLD.counted AND NOT NEW.counted THEN
            delta := -1; campaign := OLD.campaign_key;
        END IF;
        IF delta <> 0 THEN
            INSERT INTO campaigns_signaturecounter (campaign_key, shard, count)
            VALUES (campaign, floor(random() * {shards})::smallint, delta)
            ON CONFLICT (campaign_key, shard)
            DO UPDATE SET count = campaigns_signaturecounter.count + EXCLUDED.count;
        END IF;
        RETURN NULL;
    END;
    $$ LANGUAGE plpgsql
    """,
    "DROP TRIGGER IF EXISTS campaigns_signature_count ON campaigns_signature",
    """
    CREATE TRIGGER campaigns_signature_count
    AFTER INSERT OR DELETE OR UPDATE OF counted ON campaigns_signature
    FOR EACH ROW EXECUTE FUNCTION campaigns_signature_count()
    """,
]

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
        return [sql.replace("{shards}", str(shards)) for sql in POSTGRESQL_CREATE]
    if vendor == "sqlite":
        return SQLITE_CREATE
    raise NotImplementedError(
        f"No counting triggers for {vendor}: use PostgreSQL (or SQLite for development)."
    )


def install_triggers(using="default", shards=COUNTER_SHARDS, **kwargs):
    """Create or replace the counting triggers (a post_migrate step: safe to run any number of times)."""
    from django.db import connections

    connection = connections[using]
    with connection.cursor() as cursor:
        for statement in trigger_statements(connection.vendor, shards):
            cursor.execute(statement)
