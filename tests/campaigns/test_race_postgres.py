"""Signatures racing on PostgreSQL: real concurrent connections, one per thread.

The unique constraint decides who signed first; the sharded counter stays exact. The last tests are the
issue's proof under load, each through the Django test client (the whole request path) from many clients at
once: a thousand signers from 32 clients, 50 posts of one address, 16 presses of one confirmation link, and
an editor publishing the campaign again and again while people sign.
"""

import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core import mail
from django.core.cache import cache
from django.db import connection
from django.test import Client

from campaigns.models.counter import reconcile_counts, signature_count
from campaigns.models.pages import CampaignPage
from campaigns.models.signature import Signature
from campaigns.signing import sign
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


# The proof under load: every request through the whole stack, from many clients at once.

CLIENTS = 32


def post_signatures(clients, emails, page_url, sign_data):
    """Post one signature per address, the addresses dealt out among `clients` signing at once; the statuses."""

    def share(i):
        return [
            clients[i].post(page_url, sign_data(email=email), HTTP_ORIGIN=ORIGIN).status_code
            for email in emails[i :: len(clients)]
        ]

    return [status for statuses in race(len(clients), share) for status in statuses]


def count_shown(campaign):
    """The count visitors see: the JSON petition.js fetches, fresh from the database."""
    cache.clear()
    response = Client().get(f"/en-us/api/campaigns/{campaign.translation_key}/count/")
    return response.json()["count"]


def test_a_thousand_signers_from_32_clients_are_all_stored_and_counted(campaign, sign_data, settings):
    settings.SIGN_RATE_LIMIT = "100/10m"  # 32 busy clients of ~31 signatures each, not one abuser
    clients = [Client(REMOTE_ADDR=f"198.51.100.{i + 1}") for i in range(CLIENTS)]
    emails = [f"signer{n}@example.org" for n in range(1000)]

    statuses = post_signatures(clients, emails, campaign.url, sign_data)

    assert statuses == [303] * 1000
    assert Signature.objects.count() == 1000
    assert set(Signature.objects.values_list("email", flat=True)) == set(emails)
    assert signature_count(campaign.translation_key) == 1000
    assert count_shown(campaign) == 1000
    assert reconcile_counts() == {}


def test_fifty_concurrent_posts_of_one_address_store_one_row(campaign, sign_data):
    clients = [Client(REMOTE_ADDR=f"198.51.100.{i + 1}") for i in range(50)]

    responses = race(50, lambda i: clients[i].post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN))

    assert {(r.status_code, r["Location"]) for r in responses} == {(303, f"{campaign.url}thank-you/")}
    assert Signature.objects.count() == 1
    assert signature_count(campaign.translation_key) == 1
    assert count_shown(campaign) == 1


def test_concurrent_presses_of_one_confirmation_link_count_it_once(campaign, sign_data):
    campaign.confirmation_required = True
    campaign.save_revision().publish()
    Client().post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN)
    path = re.search(r"https?://[^/\s]+(/\S+/sign/confirm/\S+/)", mail.outbox[0].body).group(1)
    clients = [Client() for _ in range(16)]

    responses = race(16, lambda i: clients[i].post(path, HTTP_ORIGIN=ORIGIN))

    pages = [r.content.decode() for r in responses]
    assert [r.status_code for r in responses] == [200] * 16
    assert sum("your signature is confirmed" in html for html in pages) == 1
    assert sum("You have already confirmed your signature" in html for html in pages) == 15
    assert Signature.objects.get().counted
    assert signature_count(campaign.translation_key) == 1
    assert reconcile_counts() == {}


def test_an_editor_publishing_while_people_sign_loses_no_signature(campaign, sign_data, settings):
    settings.SIGN_RATE_LIMIT = "100/10m"
    signers = CLIENTS // 2
    clients = [Client(REMOTE_ADDR=f"198.51.100.{i + 1}") for i in range(signers)]
    emails = [f"signer{n}@example.org" for n in range(signers * 12)]
    publishing = threading.Event()
    published = []

    def edit_and_publish():
        """The editor: change the goal and publish, again and again, until the signers are done."""
        try:
            while not publishing.is_set():
                page = CampaignPage.objects.get(pk=campaign.pk)
                page.signature_goal += 1
                page.save_revision().publish()
                published.append(page.signature_goal)
        finally:
            connection.close()

    editor = threading.Thread(target=edit_and_publish)
    editor.start()
    try:
        # Half the signers, then (on a fast machine they can finish before one publish does) a pause until
        # the editor has published a few times, then the rest while the editor goes on publishing.
        half = len(emails) // 2
        statuses = post_signatures(clients, emails[:half], campaign.url, sign_data)
        deadline = time.monotonic() + 60
        while len(published) < 3 and editor.is_alive() and time.monotonic() < deadline:
            time.sleep(0.05)
        statuses += post_signatures(clients, emails[half:], campaign.url, sign_data)
    finally:
        publishing.set()
        editor.join()

    assert len(published) >= 3  # the editor really published while people signed
    assert statuses == [303] * len(emails)
    assert Signature.objects.count() == len(emails)
    assert signature_count(campaign.translation_key) == len(emails)
    assert count_shown(campaign) == len(emails)
    assert CampaignPage.objects.get(pk=campaign.pk).signature_goal == published[-1]
