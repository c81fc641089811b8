"""Held signatures (flagged, never released) in the two places they could be forgotten: the exports say which
rows are held or released and why, and a held signature never lingers: it is deleted as long after it was
flagged as an unconfirmed one is kept (campaigns.privacy.delete_held), by the same hourly job."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.core.management import call_command
from django.utils import timezone

from campaigns import privacy
from campaigns.models.counter import reconcile_counts, signature_count
from campaigns.models.signature import Signature
from tests.builders import build_campaign, build_index, build_signature, build_site, log_in

pytestmark = pytest.mark.django_db

LISTING = "/admin/campaigns/signature/"
THROWAWAY = [{"rule": "disposable_domain", "reason": "the email domain is a disposable-mail service"}]
TOO_FAST = [{"rule": "filled_too_fast", "reason": "the form was sent 0.4 s after it was shown"}]


@pytest.fixture
def campaign(db):
    return build_campaign(build_index(build_site()))


def days_ago(days):
    return timezone.now() - timedelta(days=days)


def flagged(campaign, email, reasons=THROWAWAY, days=0, released=False, **kwargs):
    return build_signature(
        campaign,
        email=email,
        counted=released,
        confirmation_key=None,
        flagged_at=days_ago(days),
        released_at=days_ago(days / 2) if released else None,
        flag_reasons=reasons,
        **kwargs,
    )


def test_the_exports_say_which_signatures_are_held_or_released_and_why(client, campaign):
    build_signature(campaign, email="ada@example.org")
    flagged(campaign, "bot@mailinator.com", reasons=THROWAWAY + TOO_FAST)
    flagged(campaign, "bob@mailinator.com", released=True)
    log_in(client, "Signature managers")

    response = client.get(f"{LISTING}?export=csv")
    rows = {
        row["Email"]: row
        for row in csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode()))
    }
    assert rows["ada@example.org"]["Flagged"] == "" and rows["ada@example.org"]["Why flagged"] == ""
    assert rows["bot@mailinator.com"]["Flagged"] == "held"
    assert rows["bot@mailinator.com"]["Why flagged"] == (
        "Throwaway address (the email domain is a disposable-mail service); "
        "Filled in faster than a person can (the form was sent 0.4 s after it was shown)"
    )
    assert rows["bot@mailinator.com"]["Counted"] == "no"
    assert rows["bob@mailinator.com"]["Flagged"] == "released"

    response = client.get(f"{LISTING}?export=xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    headings, *values = [list(row) for row in sheet.iter_rows(values_only=True)]
    by_email = {row[headings.index("Email")]: row for row in values}
    assert by_email["bot@mailinator.com"][headings.index("Flagged")] == "held"
    assert by_email["bob@mailinator.com"][headings.index("Why flagged")] == (
        "Throwaway address (the email domain is a disposable-mail service)"
    )


def test_held_signatures_are_deleted_once_kept_as_long_as_unconfirmed_ones(campaign):
    counted = build_signature(campaign, email="ada@example.org", submit_time=days_ago(30))
    old = flagged(campaign, "old@mailinator.com", days=9, submit_time=days_ago(9))
    recent = flagged(campaign, "recent@mailinator.com", days=7, submit_time=days_ago(7))
    released = flagged(campaign, "bob@mailinator.com", days=30, released=True, submit_time=days_ago(30))
    # Confirmed by its signer, held all the same: confirmation does not let it linger either.
    confirmed = flagged(
        campaign, "eve@mailinator.com", days=9, confirmed_at=days_ago(9), submit_time=days_ago(9)
    )
    assert signature_count(campaign.translation_key) == 2

    out = io.StringIO()
    call_command("delete_unconfirmed", "--dry-run", stdout=out)
    assert "2 flagged signature(s) never released due" in out.getvalue()
    assert Signature.objects.count() == 5

    out = io.StringIO()
    call_command("delete_unconfirmed", stdout=out)
    assert "Deleted 2 flagged signature(s) nobody released." in out.getvalue()
    remaining = set(Signature.objects.values_list("pk", flat=True))
    assert remaining == {counted.pk, recent.pk, released.pk}
    assert old.pk not in remaining and confirmed.pk not in remaining
    assert signature_count(campaign.translation_key) == 2
    assert reconcile_counts() == {}

    assert privacy.delete_held(now=timezone.now() + timedelta(days=2)) == 1  # the recent one's turn
    assert set(Signature.objects.values_list("pk", flat=True)) == {counted.pk, released.pk}


def test_the_managers_are_told_how_long_a_flagged_signature_waits_for_them(client, campaign):
    flagged(campaign, "bot@mailinator.com")
    log_in(client, "Signature managers")
    page = client.get("/admin/campaigns/signature/flagged/").content.decode()
    assert "A flagged signature nobody releases within 8 days is deleted, as an unconfirmed one is." in page
