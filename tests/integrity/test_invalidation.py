"""A Signature manager describes a set of signatures, sees how many and a sample, runs the invalidation, watches
it, cancels it or undoes it: the public count moves by exactly the counted ones and comes back, the audit log
and the CRM hear of each run with counts only, and nobody else may do any of it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult
from wagtail.models import PageLogEntry

from campaigns import confirmation, privacy
from campaigns.models.counter import reconcile_counts, signature_count
from campaigns.models.signature import Signature
from integrity import invalidation as runs
from integrity.models import Invalidation
from tests.builders import build_campaign, build_index, build_signature, build_site, log_in
from webhooks.models import SIGNATURES_INVALIDATED, SIGNATURES_REINSTATED, Delivery, Endpoint

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign(db):
    return build_campaign(build_index(build_site()))


@pytest.fixture
def bots(campaign):
    """Three counted signatures and two unconfirmed ones from a bot farm's domains, one of them held by a rule;
    beside them, four real people (three counted)."""
    farm = [build_signature(campaign, email=f"bot{n}@mx{n}.botfarm.example") for n in range(3)]
    farm += [build_signature(campaign, email=f"late{n}@botfarm.example", counted=False) for n in range(2)]
    farm.append(
        build_signature(
            campaign,
            email="held@mx9.botfarm.example",
            counted=False,
            confirmation_key=None,
            flagged_at=timezone.now(),
            flag_reasons=[{"rule": "network_rate", "reason": "too many"}],
        )
    )
    for n in range(3):
        build_signature(campaign, email=f"person{n}@example.org")
    build_signature(campaign, email="waiting@example.org", counted=False)
    return farm


def describe(client, page, **criteria):
    data = {
        "campaign": str(page.translation_key),
        "reason": "A bot farm: one domain, one minute",
        **criteria,
    }
    return client.post(reverse("integrity_invalidation_new"), data)


def act(client, invalidation, action):
    return client.post(reverse("integrity_invalidation_action", args=[invalidation.pk, action]))


def test_the_preview_counts_what_the_run_takes_and_the_count_drops_by_the_counted_ones_then_comes_back(
    client, campaign, bots, monkeypatch
):
    monkeypatch.setattr(runs, "BATCH", 2)  # several batches
    # (Each request of the test client runs what it left for after its commit: tests/conftest.py.)
    endpoint = Endpoint.objects.create(
        name="CRM",
        url="https://crm.example.org/hooks",
        events=[SIGNATURES_INVALIDATED, SIGNATURES_REINSTATED],
    )
    log_in(client, "Signature managers")
    assert signature_count(campaign.translation_key) == 6

    response = describe(client, campaign, email_domain="*botfarm.example")
    invalidation = Invalidation.objects.get()
    preview = client.get(response["Location"]).content.decode()

    assert response.status_code == 302 and invalidation.state == "previewed"
    assert "6 signatures match" in preview and "Invalidate 6 signatures" in preview
    assert "b…@mx0.botfarm.example" in preview and "bot0@" not in preview  # a sample, masked
    assert signature_count(campaign.translation_key) == 6  # nothing changed yet

    act(client, invalidation, "run")
    act(client, invalidation, "run")  # pressed twice
    invalidation.refresh_from_db()

    assert invalidation.state == "done"
    assert invalidation.matched == invalidation.invalidated == 6 and invalidation.uncounted == 3
    assert set(Signature.objects.filter(invalidation_run=invalidation.pk)) == set(bots)
    assert signature_count(campaign.translation_key) == 3
    assert reconcile_counts() == {}
    page = client.get(reverse("integrity_invalidation", args=[invalidation.pk])).content.decode()
    assert "6 signatures were invalidated (3 had counted)" in page and "Reinstate them" in page

    act(client, invalidation, "reinstate")
    invalidation.refresh_from_db()

    assert invalidation.state == "reinstated" and invalidation.reinstated == 6 and invalidation.recounted == 3
    assert signature_count(campaign.translation_key) == 6  # the unconfirmed and the held still wait
    assert reconcile_counts() == {}
    assert not Signature.objects.filter(invalidated_at__isnull=False).exists()
    # One delivery per run and per step, with counts, never one per signature.
    deliveries = Delivery.objects.filter(endpoint=endpoint).order_by("pk")
    assert [(d.event, d.payload.get("invalidated"), d.payload.get("reinstated")) for d in deliveries] == [
        (SIGNATURES_INVALIDATED, 6, None),
        (SIGNATURES_REINSTATED, None, 6),
    ]
    # The audit log: who and how many, against the campaign's page, never whose.
    entries = PageLogEntry.objects.filter(page=campaign, action__startswith="integrity.").order_by("pk")
    assert [(e.action, e.user.username) for e in entries] == [
        ("integrity.invalidate", "signature-managers"),
        ("integrity.reinstate", "signature-managers"),
    ]
    assert [e.message for e in entries] == [
        f"Invalidated 6 signatures (run {invalidation.pk})",
        f"Reinstated 6 invalidated signatures (run {invalidation.pk})",
    ]
    assert not any("botfarm" in f"{e.message}{e.data}" for e in entries)


def test_a_signature_invalidated_before_its_signer_confirms_does_not_count_when_they_do(
    campaign, django_capture_on_commit_callbacks
):
    signature = build_signature(campaign, email="late@botfarm.example", counted=False)
    invalidation = runs.preview(
        {"campaign": str(campaign.translation_key), "unconfirmed": True}, "bots", None
    )
    with django_capture_on_commit_callbacks(execute=True):
        runs.run(invalidation, None)

    confirmation.confirm(confirmation.confirmation_token(signature))

    signature.refresh_from_db()
    assert signature.confirmed_at is not None and not signature.counted
    assert signature_count(campaign.translation_key) == 0


def test_the_run_takes_what_the_preview_counted_not_signatures_that_came_after(
    campaign, bots, django_capture_on_commit_callbacks
):
    invalidation = runs.preview(
        {"campaign": str(campaign.translation_key), "email_domain": "*.botfarm.example"}, "bots", None
    )
    later = build_signature(campaign, email="bot7@mx7.botfarm.example")
    with django_capture_on_commit_callbacks(execute=True):
        runs.run(invalidation, None)
    invalidation.refresh_from_db()

    assert invalidation.matched == invalidation.invalidated == 4
    later.refresh_from_db()
    assert later.counted and later.invalidated_at is None


def test_a_cancelled_run_stops_between_batches_and_keeps_what_it_took(
    client, campaign, bots, monkeypatch, settings
):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}  # batches wait for a worker
    monkeypatch.setattr(runs, "BATCH", 2)
    log_in(client, "Signature managers")
    describe(client, campaign, email_domain="*botfarm.example")
    invalidation = Invalidation.objects.get()
    act(client, invalidation, "run")

    runs.invalidate_batch.func(invalidation.pk)  # the worker takes the first batch
    running = client.get(reverse("integrity_invalidation", args=[invalidation.pk])).content.decode()
    response = act(client, invalidation, "cancel")
    runs.invalidate_batch.func(invalidation.pk)  # the next batch, queued before the cancel, finds it
    invalidation.refresh_from_db()

    assert 'http-equiv="refresh"' in running and "Invalidated 2 of 6" in running and "Cancel" in running
    assert response.status_code == 302
    assert invalidation.state == "cancelled" and invalidation.invalidated == 2
    assert Signature.objects.filter(invalidation_run=invalidation.pk).count() == 2
    assert DBTaskResult.objects.filter(task_path__endswith="invalidate_batch").count() == 2
    [entry] = PageLogEntry.objects.filter(action="integrity.invalidate")
    assert entry.data["cancelled"] is True and entry.data["invalidated"] == 2


@pytest.mark.parametrize(
    ("criteria", "field", "message"),
    [
        ({}, None, "at least one criterion besides the campaign"),
        ({"email_domain": "*"}, "email_domain", "Not a domain"),
        ({"email_domain": "bot$@farm"}, "email_domain", "Not a domain"),
        ({"name": "**"}, "name", "at least one letter or digit"),
        ({"postal_code": "SW1 [A]"}, "postal_code", "at least one letter or digit"),
        ({"signed_after": "yesterday"}, "signed_after", "Enter a valid date/time"),
        (
            {"signed_after": "2026-05-02 10:00", "signed_before": "2026-05-01 10:00"},
            "signed_before",
            "later than",
        ),
        ({"rule": "robots"}, "rule", "Select a valid choice"),
        ({"network": "7f3a9"}, "network", "Not a network pseudonym"),
        ({"network": "7f3a9z"}, "network", "Not a network pseudonym"),
        ({"campaign": "not-a-campaign", "country": "FR"}, "campaign", "Select a valid choice"),
    ],
)
def test_a_description_that_cannot_be_used_is_refused_with_why(client, campaign, criteria, field, message):
    log_in(client, "Signature managers")

    response = describe(client, campaign, **criteria)

    assert response.status_code == 400
    form = response.context["form"]
    errors = form.errors.get(field or "__all__")
    assert errors and message in " ".join(errors)
    assert message in response.content.decode().replace("&quot;", '"').replace("&#x27;", "'")
    assert not Invalidation.objects.exists()


def test_a_reason_is_required(client, campaign):
    log_in(client, "Signature managers")

    response = describe(client, campaign, country="GB", reason="")

    assert response.status_code == 400 and "reason" in response.context["form"].errors


def test_each_criterion_narrows_the_set(campaign):
    key = str(campaign.translation_key)
    build_signature(
        campaign, first_name="Testy", postal_code="SW1A 1AA", country="GB", source={"utm_source": "x"}
    )
    build_signature(
        campaign, first_name="Ada", postal_code="75001", country="FR", source={"referrer_host": "y.ex"}
    )
    flagged = build_signature(
        campaign,
        counted=False,
        confirmation_key=None,
        flagged_at=timezone.now(),
        flag_reasons=[{"rule": "disposable_domain", "reason": "throwaway"}],
    )

    def count(**criteria):
        return runs.matching({"campaign": key, **criteria}).count()

    assert count(name="test*") == 1 and count(postal_code="sw1*") == 1 and count(country="FR") == 1
    assert count(source="X") == 1 and count(source="y.ex") == 1
    assert list(runs.matching({"campaign": key, "rule": "disposable_domain"})) == [flagged]
    assert count(rule="network_rate") == 0
    assert count(signed_after=timezone.now().isoformat()) == 0


def test_a_run_by_network_takes_exactly_that_networks_signatures(client, campaign):
    """The pseudonym as a trending source shows it ("network 7f3a9c…"): its rows, and no other network's,
    whatever their domains, countries or times."""
    network = [
        build_signature(campaign, email=f"n{n}@example.org", network_hash="7f3a9c0011223344")
        for n in range(4)
    ]
    network.append(
        build_signature(campaign, email="x@gmail.com", country="FR", network_hash="7f3a9c0011223344")
    )
    build_signature(campaign, email="near@example.org", network_hash="7f3a9d0011223344")  # one hex digit off
    build_signature(campaign, email="other@example.org", network_hash="0011223344556677")
    build_signature(campaign, email="none@example.org", network_hash="")  # signed before pseudonyms
    log_in(client, "Signature managers")

    response = describe(client, campaign, network=" Network 7F3A9C… ")

    invalidation = Invalidation.objects.get()
    assert response.status_code == 302 and invalidation.criteria["network"] == "7f3a9c"
    assert invalidation.matched == 5
    preview = client.get(response["Location"]).content.decode()
    assert "7f3a9c" in preview and "n…@example.org" in preview and "near" not in preview
    act(client, invalidation, "run")
    taken = set(Signature.objects.filter(invalidated_at__isnull=False).values_list("pk", flat=True))
    assert taken == {signature.pk for signature in network}
    assert signature_count(campaign.translation_key) == 3 and reconcile_counts() == {}


NEW_URLS = ("integrity_invalidations", "integrity_invalidation_new")


@pytest.mark.parametrize("group", ["Editors", "Translators", "Moderators"])
def test_only_signature_managers_reach_any_invalidation_page(client, campaign, bots, group):
    invalidation = runs.preview({"campaign": str(campaign.translation_key), "country": "GB"}, "bots", None)
    log_in(client, group)
    pages = [reverse(name) for name in NEW_URLS] + [reverse("integrity_invalidation", args=[invalidation.pk])]
    actions = [reverse("integrity_invalidation_action", args=[invalidation.pk, a]) for a in runs_actions()]

    answers = [client.get(url) for url in pages] + [client.post(url) for url in actions]
    answers.append(describe(client, campaign, country="GB"))

    # Wagtail's admin answers a refused permission with a redirect to the dashboard, and says why.
    assert {(answer.status_code, answer["Location"]) for answer in answers} == {
        (302, reverse("wagtailadmin_home"))
    }
    invalidation.refresh_from_db()
    assert invalidation.state == "previewed" and Invalidation.objects.count() == 1
    assert signature_count(campaign.translation_key) == 6


def runs_actions():
    return ("run", "cancel", "reinstate")


def test_an_invalidated_signature_is_neither_released_nor_deleted_as_unconfirmed(
    client, campaign, bots, django_capture_on_commit_callbacks
):
    invalidation = runs.preview(
        {"campaign": str(campaign.translation_key), "email_domain": "*botfarm.example"}, "bots", None
    )
    with django_capture_on_commit_callbacks(execute=True):
        runs.run(invalidation, None)
    held = Signature.objects.get(email="held@mx9.botfarm.example")
    log_in(client, "Signature managers")

    listed = client.get(reverse("campaigns_signature_release")).content.decode()
    client.post(reverse("campaigns_signature_release"), {"signature": [held.pk]})
    deleted = privacy.delete_unconfirmed(now=timezone.now() + timedelta(days=30))

    assert "held@mx9.botfarm.example" not in listed
    held.refresh_from_db()
    assert held.released_at is None and not held.counted
    assert deleted == 1  # the real person who never confirmed; the two invalidated unconfirmed ones stay
    assert Signature.objects.filter(invalidation_run=invalidation.pk).count() == 6
    assert signature_count(campaign.translation_key) == 3 and reconcile_counts() == {}
