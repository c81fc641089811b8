"""A million signatures for the scale row, loaded with COPY (not HTTP): the database counts them."""

from datetime import UTC, datetime


def load_signatures(ring, rows, country_of=None):
    """Add `rows` counted signatures to the Ring campaign with COPY (not HTTP); the database counts them.
    `country_of(n)` gives the n-th signer's country (default: all US)."""
    from django.db import connection

    from campaigns.models.signature import Signature

    now = datetime.now(UTC).isoformat()
    fixed = {
        "page_id": ring.pk,
        "campaign_key": str(ring.translation_key),
        "locale": "en-us",
        "submit_time": now,
        "consented_at": now,
        "first_name": "Bulk",
        "country": "US",
        "postal_code": "10001",
        "consent_text": ring.consent_text,
        "counted": True,
        "form_data": {},
    }
    fields = [field for field in Signature._meta.concrete_fields if not field.primary_key]
    for field in fields:  # every other column: its default ("" or NULL where it has none)
        if field.attname not in fixed and field.attname not in ("last_name", "email", "email_normalised"):
            fixed[field.attname] = field.get_default()
    columns = ", ".join(field.column for field in fields)
    with connection.cursor() as cursor:
        with cursor.connection.cursor().copy(f"COPY campaigns_signature ({columns}) FROM STDIN") as copy:
            for n in range(rows):
                email = f"bulk{n}@example.org"
                values = {**fixed, "last_name": f"Signer{n}", "email": email, "email_normalised": email}
                if country_of is not None:
                    values["country"] = country_of(n)
                copy.write_row([_copy_value(values[field.attname]) for field in fields])
        # What an operator does after a bulk import: mark the new rows visible to all (VACUUM writes the
        # whole table once), gather statistics, and write the import out (CHECKPOINT). Measured without it,
        # the signatures that followed shared the two cores with the checkpoint that the import's half a
        # gigabyte of WAL set off (and wrote each page they touched whole into the WAL once more): about
        # half their rate.
        cursor.execute("VACUUM (ANALYZE) campaigns_signature")
        cursor.execute("CHECKPOINT")
    return rows  # counted by the database's trigger as they were copied in


def _copy_value(value):
    if isinstance(value, dict | list):
        import json

        return json.dumps(value)
    return value
