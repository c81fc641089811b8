"""Signatures racing on PostgreSQL: real concurrent connections, one per thread.

The unique constraint decides who signed first; the sharded counter stays exact.
"""

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.db import connection
from django.test import Client

from campaigns.pages import CampaignPage
from campaigns.signatures import Signature, reconcile_counts, sign, signature_count
from tests.campaigns.conftest import ORIGIN

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

THREADS = 8


def race(count, work):
    """Run work(i) for i in range(count) in as many threads, released together; each closes its connection."""
    start = threading.Barrier(count)

    def run(i):
        try:
            start.wait()
            return work(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=count) as pool:
        return list(pool.map(run, range(count)))


def test_identical_submissions_racing_store_one_row_count_one_and_look_alike(campaign, sign_data):
    assert connection.vendor == "postgresql"
    clients = [Client() for _ in range(THREADS)]

    responses = race(
        THREADS,
        lambda i: clients[i].post(campaign.url, sign_data(email="Ada@Example.org"), HTTP_ORIGIN=ORIGIN),
    )

    assert {(r.status_code, r["Location"]) for r in responses} == {(303, f"{campaign.url}thank-you/")}
    assert Signature.objects.count() == 1
    assert signature_count(campaign.translation_key) == 1
    # The repeats share one "already signed" mail between them.
    assert len(mail.outbox) == 1
    assert reconcile_counts() == {}


def test_different_signers_racing_are_all_counted_exactly(campaign, sign_data):
    def sign_as(i):
        page = CampaignPage.objects.get(pk=campaign.pk)
        return sign(page, page.get_form(sign_data(email=f"signer{i}@example.org"), page=page)).created

    created = race(THREADS * 3, sign_as)

    assert created == [True] * (THREADS * 3)
    assert Signature.objects.count() == THREADS * 3
    assert signature_count(campaign.translation_key) == THREADS * 3
    assert reconcile_counts() == {}


def test_reconciling_while_people_sign_keeps_the_count_exact(campaign, sign_data):
    """A wrong count is corrected while signers race; the correction neither loses nor doubles any of them."""
    from tests.builders import set_count

    set_count(campaign, 5)  # five phantom signatures to correct
    signers = THREADS * 3

    def work(i):
        if i % 4 == 0:  # every fourth thread reconciles instead of signing
            reconcile_counts()
            return
        page = CampaignPage.objects.get(pk=campaign.pk)
        sign(page, page.get_form(sign_data(email=f"signer{i}@example.org"), page=page))

    race(signers, work)

    rows = Signature.objects.filter(counted=True).count()
    assert rows == signers - signers // 4
    assert signature_count(campaign.translation_key) == rows
