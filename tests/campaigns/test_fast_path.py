"""What a page view and a signature cost: bounded queries, no whole-page render after a signature, and the
signing service deciding every gate itself with its side effects after the commit."""

from types import SimpleNamespace

import pytest
from django.core import mail
from django.db import OperationalError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campaigns import signing
from campaigns.models.counter import _reconcile_campaign, signature_count
from campaigns.models.signature import Signature
from campaigns.signing import Outcome
from serving import generation
from tests.builders import build_campaign, build_index, build_site
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db

# The page the spike lands on, when it is not in the page cache: the page and its count in steady state;
# right after a publish each process also relearns the site's structure (sites, languages, pages).
COLD_PAGE_QUERIES = 12
STEADY_PAGE_QUERIES = 4
# A signature in steady state: the row, counted by the database in the same statement (the page is in memory),
# and the one task that follows every signing, new or repeat (campaigns.signing.follow_up), queued in the
# database as in production: mails, goals and webhooks are the worker's.
SIGNING_QUERIES = 2
DATABASE_QUEUE = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def uncached_get(client, url):
    return client.get(url, {"nocache": "1"})  # a query string that is not tracking: not served from the cache


def test_a_cold_campaign_page_renders_in_a_bounded_number_of_queries(
    client, campaign, django_assert_max_num_queries
):
    generation.bump()  # as after a publish: nothing remembered about the site
    with django_assert_max_num_queries(COLD_PAGE_QUERIES):
        assert uncached_get(client, campaign.url).status_code == 200
    with django_assert_max_num_queries(STEADY_PAGE_QUERIES):
        assert uncached_get(client, campaign.url).status_code == 200


def statements(queries):
    """The SQL a request ran, less transaction control (savepoints here, BEGIN/COMMIT in production)."""
    return [q["sql"] for q in queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE SAVEPOINT"))]


def test_a_signature_costs_a_bounded_number_of_queries_and_no_page_render(
    client, campaign, sign_data, settings
):
    settings.TASKS = DATABASE_QUEUE
    _reconcile_campaign(campaign.translation_key)  # every counter row exists, as on a busy campaign
    uncached_get(client, campaign.url)  # the process knows the site
    client.post(
        campaign.url, sign_data(email="first@example.org"), HTTP_ORIGIN=ORIGIN, HTTP_ACCEPT="application/json"
    )

    for n, headers in enumerate([{}, {"HTTP_ACCEPT": "application/json"}]):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(
                campaign.url, sign_data(email=f"fast{n}@example.org"), HTTP_ORIGIN=ORIGIN, **headers
            )
        assert response.status_code in (200, 303)
        assert len(statements(queries)) <= SIGNING_QUERIES, statements(queries)
        assert "campaigns/campaign_page.html" not in [t.name for t in response.templates]
    assert signature_count(campaign.translation_key) == 3


def test_a_repeat_costs_what_a_signature_costs_and_stores_and_counts_nothing(
    client, campaign, sign_data, settings
):
    """A person who signs again is answered from the one statement that would have stored them: nothing is
    written unless their daily "already signed" notice is due (the first repeat here), and no error either;
    the follow-up task is queued as for anyone (tests/campaigns/test_signing_tells_nothing.py)."""
    settings.TASKS = DATABASE_QUEUE
    uncached_get(client, campaign.url)
    for _ in range(2):  # the first signature, then a repeat due its notice
        client.post(campaign.url, sign_data(email="again@example.org"), HTTP_ORIGIN=ORIGIN)

    with CaptureQueriesContext(connection) as queries:
        response = client.post(campaign.url, sign_data(email="Again@example.org "), HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 303
    assert len(statements(queries)) == SIGNING_QUERIES, statements(queries)
    assert Signature.objects.count() == 1
    assert signature_count(campaign.translation_key) == 1


def test_the_service_refuses_a_closed_petition_itself(campaign, sign_data):
    campaign.closed = True
    form = campaign.get_form(sign_data(), page=campaign)

    result = signing.sign(campaign, form)

    assert result.outcome is Outcome.CLOSED
    assert not Signature.objects.exists()


def test_the_service_applies_the_rate_limit_verdict_itself(campaign, sign_data, settings):
    settings.SIGN_RATE_LIMIT = "1/10m"
    first = signing.sign(campaign, campaign.get_form(sign_data(), page=campaign), client="client-a")
    second = signing.sign(
        campaign, campaign.get_form(sign_data(email="b@example.org"), page=campaign), client="client-a"
    )

    assert first.outcome is Outcome.SIGNED and first.created
    assert second.outcome is Outcome.RATE_LIMITED and 0 < second.retry_after <= 600
    assert Signature.objects.count() == 1


def test_the_service_answers_a_bot_as_a_signer_and_stores_nothing(campaign, sign_data):
    result = signing.sign(
        campaign, campaign.get_form(sign_data(website="http://spam.example"), page=campaign)
    )

    assert result.outcome is Outcome.SIGNED and result.signature is None
    assert not Signature.objects.exists()


def test_the_service_leaves_an_invalid_form_with_its_errors(campaign, sign_data):
    form = campaign.get_form(sign_data(email="nope"), page=campaign)

    assert signing.sign(campaign, form).outcome is Outcome.INVALID
    assert "email" in form.errors


def test_mails_leave_only_once_the_signature_is_committed(
    campaign, sign_data, django_capture_on_commit_callbacks
):
    campaign.confirmation_required = True
    with django_capture_on_commit_callbacks() as callbacks:
        result = signing.sign(campaign, campaign.get_form(sign_data(), page=campaign))
        assert mail.outbox == []  # nothing is sent from inside the transaction

    assert result.created
    with django_capture_on_commit_callbacks(
        execute=True
    ):  # what the task queued at the commit does at its own
        for callback in callbacks:
            callback()  # the commit
    assert [message.to for message in mail.outbox] == [["ada@example.org"]]


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_signature_rolled_back_sends_no_mail(sign_data):
    campaign = build_campaign(build_index(build_site()), confirmation_required=True)

    with pytest.raises(RuntimeError), transaction.atomic():
        signing.sign(campaign, campaign.get_form(sign_data(), page=campaign))
        raise RuntimeError("the request failed after signing")

    assert not Signature.objects.exists()
    assert mail.outbox == []
    Client().post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN)  # a real commit sends it
    assert len(mail.outbox) == 1


def prepared_statements():
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        return [row[0] for row in cursor.fetchall()]


@pytest.mark.postgres
def test_on_postgresql_the_signing_insert_is_prepared_once_per_connection(campaign, sign_data):
    """The server parses and plans the INSERT once per connection, not for every signer; stored, counted and
    refused as a repeat exactly as before."""
    for email in ("one@example.org", "two@example.org", "One@example.org"):
        signing.sign(campaign, campaign.get_form(sign_data(email=email), page=campaign))

    inserts = [sql for sql in prepared_statements() if sql.startswith('INSERT INTO "campaigns_signature"')]
    assert len(inserts) == 1, inserts
    assert Signature.objects.count() == 2
    assert signature_count(campaign.translation_key) == 2


@pytest.mark.postgres
def test_an_operator_behind_a_pooler_in_transaction_mode_can_turn_preparing_off(campaign, sign_data):
    options = connection.settings_dict["OPTIONS"]
    threshold = options.pop("prepare_threshold", None)  # what DATABASE_PREPARED_STATEMENTS=false leaves
    try:
        with connection.cursor() as cursor:
            cursor.execute("DEALLOCATE ALL")  # nothing prepared by the tests before
        signing.sign(campaign, campaign.get_form(sign_data(), page=campaign))
        assert prepared_statements() == []
        assert Signature.objects.count() == 1
    finally:
        if threshold is not None:
            options["prepare_threshold"] = threshold


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_with_the_database_queue_a_signature_is_never_stored_without_its_follow_up(
    sign_data, settings, monkeypatch
):
    """The signature and the task that sends its confirmation mail are one transaction: when the task cannot
    be queued (the database went away between the two), the signature is not kept either, and the signer, who
    gets an error, can simply sign again (bench/cluster.py's PostgreSQL restart found such signatures)."""
    settings.TASKS = DATABASE_QUEUE
    campaign = build_campaign(build_index(build_site()), confirmation_required=True)

    def database_gone(*args, **kwargs):
        raise OperationalError("server closed the connection unexpectedly")

    # A queue of its own, not production's: on PostgreSQL production's is stored by the signature's own
    # statement, which the database stores whole or not at all (tests/ops/test_task_insert.py).
    monkeypatch.setattr(
        signing, "follow_up", SimpleNamespace(enqueue=database_gone, get_backend=lambda: None)
    )
    with pytest.raises(OperationalError):
        signing.sign(campaign, campaign.get_form(sign_data(), page=campaign))
    assert not Signature.objects.exists()

    monkeypatch.undo()
    assert signing.sign(campaign, campaign.get_form(sign_data(), page=campaign)).created
    assert Signature.objects.count() == 1
