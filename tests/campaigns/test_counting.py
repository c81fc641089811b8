"""The database keeps the public count (campaigns/counting.py): every way a signature is stored, confirmed or
deleted moves the count, on SQLite and on PostgreSQL, whatever code does it."""

import pytest
from django.core.management import call_command
from django.db import connection

from campaigns import counting
from campaigns.models.counter import SignatureCounter, reconcile_counts, signature_count
from campaigns.models.signature import Signature
from tests.builders import build_signature

pytestmark = pytest.mark.django_db


def count(campaign):
    return signature_count(campaign.translation_key)


def test_storing_a_counted_signature_counts_it_and_an_unconfirmed_one_does_not(campaign):
    build_signature(campaign, counted=True)
    build_signature(campaign, counted=True)
    build_signature(campaign, counted=False)

    assert count(campaign) == 2


def test_confirming_counts_once_and_uncounting_takes_it_off(campaign):
    waiting = build_signature(campaign, counted=False)

    Signature.objects.filter(pk=waiting.pk).update(counted=True)
    Signature.objects.filter(pk=waiting.pk).update(counted=True)  # again: no change
    assert count(campaign) == 1

    Signature.objects.filter(pk=waiting.pk).update(counted=False)
    assert count(campaign) == 0


def test_deleting_counted_signatures_takes_them_off_however_it_is_done(campaign):
    signatures = [build_signature(campaign) for _ in range(4)]
    build_signature(campaign, counted=False)

    signatures[0].delete()
    Signature.objects.filter(pk__in=[signatures[1].pk, signatures[2].pk]).delete()
    with connection.cursor() as cursor:  # even a statement no Python code watches
        cursor.execute("DELETE FROM campaigns_signature WHERE id = %s", [signatures[3].pk])
    Signature.objects.filter(counted=False).delete()

    assert count(campaign) == 0
    assert reconcile_counts() == {}


def test_other_fields_changing_leave_the_count_alone(campaign):
    signature = build_signature(campaign)

    Signature.objects.filter(pk=signature.pk).update(first_name="", email="", email_normalised=None)

    assert count(campaign) == 1


def test_campaigns_are_counted_apart(campaign):
    from tests.builders import build_campaign

    other = build_campaign(campaign.get_parent(), slug="other", title="Other")
    build_signature(campaign)
    build_signature(other)
    build_signature(other)

    assert (count(campaign), count(other)) == (1, 2)


def test_the_triggers_come_back_after_a_migrate_and_installing_twice_counts_once(campaign):
    counting.install_triggers()
    counting.install_triggers()
    call_command("migrate", verbosity=0)  # SQLite loses a table's triggers when a migration rebuilds it

    build_signature(campaign)

    assert count(campaign) == 1


@pytest.mark.postgres
def test_on_postgresql_signatures_spread_over_the_counter_rows(campaign):
    for _ in range(64):
        build_signature(campaign)

    rows = SignatureCounter.objects.filter(campaign_key=campaign.translation_key)
    assert sum(row.count for row in rows) == 64
    assert rows.count() > 1  # 64 signatures all on one of 8 rows: 1 in 8**63


def test_statements_of_many_signatures_count_each_of_them_once(campaign):
    from tests.builders import build_campaign

    other = build_campaign(campaign.get_parent(), slug="other", title="Other")
    rows = [
        Signature(
            page=page,
            campaign_key=page.translation_key,
            locale="en-us",
            email=f"bulk{n}@example.org",
            email_normalised=f"bulk{n}@example.org",
            consent_text="",
            form_data={},
            counted=n % 3 != 0,
        )
        for n, page in enumerate([campaign] * 30 + [other] * 12)
    ]
    Signature.objects.bulk_create(rows)  # one INSERT of 42 rows
    assert (count(campaign), count(other)) == (20, 8)

    Signature.objects.filter(campaign_key=campaign.translation_key, counted=False).update(counted=True)
    assert count(campaign) == 30

    Signature.objects.filter(campaign_key__in=[campaign.translation_key, other.translation_key]).delete()
    assert (count(campaign), count(other)) == (0, 0)
