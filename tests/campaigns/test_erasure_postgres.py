"""Erasure and retention leave nothing behind, proven on a dump of the whole PostgreSQL database.

A person signs with distinctive values in every field a signer fills in (names, address, postal code,
comment, an extra question's answer, every utm parameter, the referring site). The whole test database is
dumped with pg_dump before and after "forget a person", and before and after retention: before, the
dump holds every value (the search works); after, it holds none. The mail queue (django_tasks_db rows,
run afterwards by the real worker), the log records of the whole journey, the cache and the decoded
sessions are searched too.
Country, language, dates and the consent wording stay after retention, by design: they make the
anonymous tallies.
"""

import logging
import os
import shutil
import subprocess
from datetime import timedelta

import pytest
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from campaigns import privacy
from campaigns.models.pages import CampaignFormField
from campaigns.models.signature import Signature
from tests.builders import build_campaign, build_index, build_site
from tests.campaigns.conftest import ORIGIN

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PERSON = {
    "first_name": "Zéphyrine",
    "last_name": "Quixotebottom",
    "email": "Zephyrine.Quixote@Bücher-Quixote.example",
    "country": "NZ",
    "postal_code": "QX7 4ZZ",
    "comment": "Unmistakable comment 7731\nsecond line",
    "newsletter_opt_in": "on",
    "how_did_you_hear": "Answer-5512-unmistakable",
    "utm_source": "utmsrc8821",
    "utm_medium": "utmmed8822",
    "utm_campaign": "utmcmp8823",
    "utm_term": "utmterm8824",
    "utm_content": "utmcnt8825",
    "referrer": "https://ref-6614-quixote.example/secret/path?who=zq",
}
# Every value the person typed, in each form it is stored in (the address as typed, lower-cased, with its
# domain in ASCII): all in the dump while the signature is there, none after.
STORED = [
    "Zéphyrine",
    "phyrine",
    "Quixotebottom",
    "zephyrine.quixote",
    "Zephyrine.Quixote",
    "xn--bcher-quixote",
    "Bücher-Quixote",
    "QX7 4ZZ",
    "Unmistakable comment 7731",
    "Answer-5512-unmistakable",
    "utmsrc8821",
    "utmmed8822",
    "utmcmp8823",
    "utmterm8824",
    "utmcnt8825",
    "ref-6614-quixote",
]
# Forms never stored even before (a JSON-escaped name, the referrer's path), searched for all the same.
TRACES = [*STORED, "Z\\u00e9phyrine", "secret/path"]


def dump_database():
    """The whole test database as pg_dump writes it (schema and every table's rows)."""
    pg_dump = shutil.which("pg_dump")
    assert pg_dump, "pg_dump (Debian's postgresql-client) is needed to prove erasure"
    settings = connection.settings_dict
    command = [pg_dump, "--no-owner", "--no-privileges", "--dbname", settings["NAME"]]
    for option, key in (("--host", "HOST"), ("--port", "PORT"), ("--username", "USER")):
        if settings[key]:
            command += [option, str(settings[key])]
    env = {**os.environ, "PGPASSWORD": settings["PASSWORD"] or ""}
    return subprocess.run(command, env=env, capture_output=True, check=True, text=True).stdout


def traces_in(text):
    return [trace for trace in TRACES if trace.lower() in text.lower()]


def cached_values():
    """Every value in the cache, as text (local memory in tests, Redis when REDIS_URL is set)."""
    backend = cache._cache if hasattr(cache, "_cache") else None
    if isinstance(backend, dict):  # LocMemCache: pickled values
        return " ".join(repr(value) for value in backend.values())
    client = cache._cache.get_client()
    return " ".join(repr(client.get(key)) for key in client.keys("*"))


def session_values():
    """Every stored session, decoded (the dump shows them only signed and base64-encoded)."""
    return " ".join(repr(session.get_decoded()) for session in Session.objects.all())


def run_queued_tasks():
    """The mail worker, as production runs it, until the queue is empty."""
    call_command("db_worker", "--batch", "--no-startup-delay", "--interval", "0", "--no-reload")


@pytest.fixture
def campaign(settings):
    # Tasks are queued in the database, as in production, so the queue itself can be searched.
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    page = build_campaign(
        build_index(build_site()),
        confirmation_required=True,
        comment_field="optional",
        to_address="team@example.org",
    )
    CampaignFormField.objects.create(
        page=page, locale=page.locale, label="How did you hear", field_type="singleline", required=False
    )
    return page


@pytest.fixture
def signed(client, campaign, caplog):
    """The person signs, and signs again (which queues a second confirmation mail)."""
    for logger in (None, "django", "django_tasks", "wagtail", "campaigns"):  # every record, debug included
        caplog.set_level(logging.DEBUG, logger=logger)
    for _ in range(2):
        response = client.post(campaign.url, PERSON, HTTP_ORIGIN=ORIGIN)
        assert response.status_code == 303
    signature = Signature.objects.get()
    assert (
        signature.first_name == "Zéphyrine"
        and signature.source["referrer_host"] == "ref-6614-quixote.example"
    )
    assert traces_in(dump_database()) == STORED  # the search finds what is there
    return signature


def test_forgetting_a_person_leaves_no_trace_in_the_database_queue_logs_or_cache(
    admin_client, campaign, signed, caplog
):
    response = admin_client.post(
        "/admin/campaigns/signature/forget/", {"email": PERSON["email"].lower(), "confirm": "1"}
    )
    assert response.status_code == 302
    assert not Signature.objects.exists()

    run_queued_tasks()  # the confirmation and team mails queued before the erasure

    assert mail.outbox == []  # queued mails found nobody to write to, or about
    assert traces_in(dump_database()) == []
    assert traces_in(caplog.text) == []
    assert traces_in(cached_values()) == []
    assert traces_in(session_values()) == []


def test_retention_leaves_no_trace_but_the_anonymous_tallies(campaign, signed, caplog):
    run_queued_tasks()  # mails go out while the campaign runs
    assert len(mail.outbox) == 3  # two confirmation links and the team's notice
    campaign.closing_date = timezone.now() - timedelta(days=2)
    campaign.retention_days = 1
    campaign.save_revision().publish()

    assert privacy.apply_retention() == {campaign.translation_key: 1}

    assert traces_in(dump_database()) == []
    assert traces_in(caplog.text) == []
    assert traces_in(cached_values()) == []
    assert traces_in(session_values()) == []
    kept = Signature.objects.get()
    assert (kept.country.code, kept.locale, kept.newsletter_opt_in) == ("NZ", "en-us", True)
