"""Signature managers find the flagged signatures in the Signatures admin, see why, and release them; the audit
log records it without naming anyone; the settings page is theirs, and nobody else's."""

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import ModelLogEntry, PageLogEntry

from campaigns.models.counter import reconcile_counts, signature_count
from campaigns.models.signature import Signature
from integrity.models import IntegritySettings
from tests.builders import build_campaign, build_index, build_signature, build_site, log_in

pytestmark = pytest.mark.django_db

REASON = [{"rule": "disposable_domain", "reason": "the email domain is a disposable-mail service"}]


@pytest.fixture
def campaign(db):
    return build_campaign(build_index(build_site()))


def settings_page():
    return reverse(
        "wagtailsettings:edit", args=["integrity", "integritysettings", IntegritySettings.load().pk]
    )


def held(campaign, email):
    return build_signature(
        campaign,
        email=email,
        counted=False,
        confirmation_key=None,
        flagged_at=timezone.now(),
        flag_reasons=REASON,
    )


def test_the_listing_filters_flagged_signatures_and_links_to_their_reasons(client, campaign):
    held(campaign, "bot@mailinator.com")
    build_signature(campaign, email="ada@example.org")
    log_in(client, "Signature managers")

    listing = client.get(reverse("campaigns_signature_modeladmin_index") + "?flagged=held").content.decode()

    assert "bot@mailinator.com" in listing and "ada@example.org" not in listing
    assert reverse("campaigns_signature_release") in listing


def test_a_manager_releases_the_ticked_ones_once_and_the_log_names_nobody(client, campaign):
    ticked = held(campaign, "maybe@mailinator.com")
    held(campaign, "bot@mailinator.com")
    build_signature(campaign, email="ada@example.org")
    log_in(client, "Signature managers")
    url = reverse("campaigns_signature_release")

    page = client.get(url).content.decode()
    assert "maybe@mailinator.com" in page and "the email domain is a disposable-mail service" in page
    response = client.post(url, {"signature": [ticked.pk, "x"]})
    client.post(url, {"signature": [ticked.pk]})  # pressed twice

    assert response.status_code == 302
    assert signature_count(campaign.translation_key) == 2
    assert reconcile_counts() == {}
    assert Signature.objects.filter(released_at__isnull=False).count() == 1
    [entry] = PageLogEntry.objects.filter(action="campaigns.release_signatures")
    assert entry.page_id == campaign.pk and entry.user.groups.get().name == "Signature managers"
    assert entry.data == {"released": 1}
    assert "mailinator" not in entry.message and "maybe" not in str(entry.data)
    assert entry.message == "Released 1 flagged signature"


@pytest.mark.parametrize("group", ["Editors", "Translators"])
def test_only_signature_managers_may_release_or_change_the_rules(client, campaign, group):
    signature = held(campaign, "bot@mailinator.com")
    log_in(client, group)
    settings_url = settings_page()

    assert client.post(reverse("campaigns_signature_release"), {"signature": [signature.pk]}).status_code in (
        302,
        403,
    )
    refused = client.get(settings_url)
    assert refused.status_code in (302, 403) and "address_rates" not in refused.content.decode()
    signature.refresh_from_db()
    assert signature.released_at is None


def test_signature_managers_edit_the_rules_and_a_bad_network_is_refused(client):
    log_in(client, "Signature managers")
    url = settings_page()
    assert client.get(url).status_code == 200
    data = {
        "address_rates": "1/60s, 5/300s",
        "network_rates": "20/60s",
        "allowed_networks": "",
        "blocked_networks": "192.0.2.0/33",
        "blocked_domains": "",
        "flag_disposable": "on",
        "canonical_domains": "",
        "trend_min_signatures": "20",
        "trend_min_share": "10",
        "trend_factor": "3.0",
        "min_fill_seconds": "5",
    }
    refused = client.post(url, data)
    assert refused.status_code == 200
    assert "Not a network: 192.0.2.0/33" in refused.content.decode()
    data["blocked_networks"] = "192.0.2.0/24"
    assert client.post(url, data).status_code == 302
    assert IntegritySettings.load().blocked_networks == "192.0.2.0/24"
    assert IntegritySettings.load().min_fill_seconds == 5
    # The change is in Wagtail's audit log ("Logs" report): who and when.
    [entry] = ModelLogEntry.objects.filter(action="wagtail.edit", content_type__model="integritysettings")
    assert entry.user.username == "signature-managers"
