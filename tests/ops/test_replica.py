"""With a read replica (DATABASE_REPLICA_URL), public pages and the API read from it; signing, the admin and
anyone with a session use the primary; a replica that is down sends public reads back to the primary.

The replica is a second alias of the PostgreSQL test database (TEST MIRROR in config/settings/test.py): its own
connection, so every query is seen on the alias that ran it. Tests commit (transaction=True) so that the
second connection sees the rows, as a replica would once they are replicated.
"""

import logging
import re
from contextlib import contextmanager
from types import SimpleNamespace

import pytest
from django.db import connections
from django.test import Client

from campaigns.models.signature import Signature
from ops import dbrouter
from tests.builders import build_campaign, build_index, build_site, log_in
from tests.services import free_port

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=["default", "replica"]),
]


@pytest.fixture
def router(settings, monkeypatch):
    settings.DATABASE_ROUTERS = [dbrouter.ROUTER]
    monkeypatch.setattr(dbrouter.replica, "down_until", 0.0)
    monkeypatch.setattr(dbrouter.warning, "_last", {})


@pytest.fixture
def campaign(router):
    return build_campaign(build_index(build_site()))


def tables(statements):
    """The tables some SQL statements read or wrote."""
    found = set()
    for sql in statements:
        found.update(re.findall(r'(?:FROM|JOIN|INTO|UPDATE)\s+"(\w+)"', sql))
    return found


@contextmanager
def served():
    """What each alias ran meanwhile: .primary and .replica, the tables each touched. (Not Django's
    CaptureQueriesContext: each request's start empties the query log it reads.)"""
    ran = {"default": [], "replica": []}

    def recorder(alias):
        def record(execute, sql, params, many, context):
            ran[alias].append(sql)
            return execute(sql, params, many, context)

        return record

    with (
        connections["default"].execute_wrapper(recorder("default")),
        connections["replica"].execute_wrapper(recorder("replica")),
    ):
        result = SimpleNamespace()
        yield result
    result.primary, result.replica = tables(ran["default"]), tables(ran["replica"])


def test_a_public_page_is_read_from_the_replica(campaign):
    client, url = Client(), campaign.url
    with served() as campaign_page:
        assert client.get(url).status_code == 200
    with served() as campaign_list:
        assert client.get("/en-us/campaigns/").status_code == 200

    for page in (campaign_page, campaign_list):
        assert "wagtailcore_page" in page.replica
        assert page.primary == set()
    assert "campaigns_signaturecounter" in campaign_page.replica  # the count shown on the page


def test_the_public_api_and_the_count_are_read_from_the_replica(campaign):
    client = Client()
    with served() as listing:
        assert client.get("/en-us/api/v1/campaigns/").status_code == 200
    with served() as count:
        response = client.get(f"/en-us/api/campaigns/{campaign.translation_key}/count/")
    assert response.status_code == 200

    assert "wagtailcore_page" in listing.replica and listing.primary == set()
    assert "campaigns_signaturecounter" in count.replica and count.primary == set()


def test_signing_writes_to_the_primary_and_reads_nothing_from_the_replica(campaign, sign_data):
    client, url = Client(), campaign.url
    with served() as signing:
        response = client.post(url, sign_data(), HTTP_ORIGIN="http://testserver")
    assert response.status_code == 303

    assert "campaigns_signature" in signing.primary
    assert signing.replica == set()
    assert Signature.objects.using("default").filter(email="ada@example.org", counted=True).exists()


def test_the_admin_and_visitors_with_a_session_read_the_primary(campaign):
    editor = Client()
    log_in(editor, "Editors")
    with served() as admin:
        assert editor.get("/admin/pages/").status_code == 200
        assert editor.get(f"/admin/pages/{campaign.pk}/edit/").status_code == 200
    url = campaign.url
    with served() as page_seen_by_an_editor:
        assert editor.get(url).status_code == 200

    assert "wagtailcore_page" in admin.primary and admin.replica == set()
    assert "wagtailcore_page" in page_seen_by_an_editor.primary
    assert page_seen_by_an_editor.replica == set()


def test_a_replica_that_is_down_sends_public_reads_to_the_primary_until_it_returns(
    campaign, monkeypatch, caplog
):
    replica = connections["replica"]
    working_port = replica.settings_dict["PORT"]
    replica.close()
    monkeypatch.setitem(replica.settings_dict, "PORT", free_port())  # nothing listens there: refused
    client, url = Client(), campaign.url

    with caplog.at_level(logging.WARNING, logger="ops.dbrouter"):
        with served() as while_down:
            pages = [client.get(url).status_code for _ in range(3)]
        ready = client.get("/readyz")

    assert pages == [200, 200, 200]
    assert "wagtailcore_page" in while_down.primary and while_down.replica == set()
    warnings = [record.getMessage() for record in caplog.records if record.name == "ops.dbrouter"]
    assert warnings == [
        "The read replica is unreachable (OperationalError): public pages are read from the primary."
    ]
    assert ready.status_code == 200
    assert ready.json()["status"] == "degraded"
    assert ready.json()["checks"]["replica"] == {"ok": False, "error": "OperationalError"}

    monkeypatch.setitem(replica.settings_dict, "PORT", working_port)  # the replica is back
    monkeypatch.setattr(dbrouter.replica, "down_until", 0.0)  # …and its retry delay is over
    with served() as after:  # a page the cache does not hold yet
        assert client.get("/en-us/campaigns/").status_code == 200
    assert "wagtailcore_page" in after.replica and after.primary == set()
    assert client.get("/readyz").json()["checks"]["replica"]["ok"] is True
