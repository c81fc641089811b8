"""An administrator adds an endpoint in the admin, copies its secret (shown once), reads the delivery log and
retries a delivery by hand; nobody else may see or touch any of it; addresses inside our network are refused."""

import pytest
from django.contrib.auth import get_user_model

from tests.builders import build_campaign, build_index, build_site, log_in
from webhooks import sending
from webhooks.models import SIGNATURE_CREATED, SIGNATURE_ERASED, SIGNATURES_ANONYMISED, Delivery, Endpoint

pytestmark = pytest.mark.django_db

ADD = "/admin/webhooks_endpoint/new/"


@pytest.fixture
def admin_client(client):
    user = get_user_model().objects.create_superuser("root", password="pw")
    client.force_login(user)
    return client


@pytest.fixture
def public_host(monkeypatch):
    """crm.example.org resolves to a public address (no DNS here), internal.example.org to 10.0.0.5,
    nat64.example.org to 10.0.0.5 through NAT64."""
    real = sending.socket.getaddrinfo

    def getaddrinfo(host, port, *args, **kwargs):
        if host == "crm.example.org":
            return [(2, 1, 6, "", ("93.184.215.14", port))]
        if host == "internal.example.org":
            return [(2, 1, 6, "", ("10.0.0.5", port))]
        if host == "nat64.example.org":  # an AAAA record around 10.0.0.5
            return [(10, 1, 6, "", ("64:ff9b::a00:5", port, 0, 0))]
        return real(host, port, *args, **kwargs)

    monkeypatch.setattr(sending.socket, "getaddrinfo", getaddrinfo)


def form(**overrides):
    data = {"name": "Coalition CRM", "url": "https://crm.example.org/hooks", "events": [SIGNATURE_CREATED]}
    data.update(overrides)
    return data


def test_an_administrator_adds_an_endpoint_and_sees_its_secret_once(admin_client, public_host):
    campaign = build_campaign(build_index(build_site()))

    response = admin_client.post(ADD, form(campaigns=[str(campaign.translation_key)]), follow=True)

    endpoint = Endpoint.objects.get()
    assert endpoint.campaigns == [str(campaign.translation_key)] and endpoint.events == [SIGNATURE_CREATED]
    assert endpoint.secret.startswith("whsec_")
    assert endpoint.secret in response.content.decode()
    again = admin_client.get(f"/admin/webhooks_endpoint/edit/{endpoint.pk}/")
    assert endpoint.secret not in again.content.decode()

    admin_client.post(f"/admin/webhooks/endpoint/{endpoint.pk}/new-secret/")
    replaced = Endpoint.objects.get().secret
    assert replaced != endpoint.secret
    assert replaced in admin_client.get(f"/admin/webhooks_endpoint/edit/{endpoint.pk}/").content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://169.254.169.254/latest/meta-data/",
        "https://[::1]/hooks",
        "https://internal.example.org/hooks",
        "https://nat64.example.org/hooks",
        # IPv6 spellings of an internal IPv4 address, which a dual stack or a NAT64 gateway may connect to
        "https://[::7f00:1]/hooks",  # IPv4-compatible ::127.0.0.1
        "https://[::10.0.0.5]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",  # IPv4-mapped
        "https://[::ffff:0:7f00:1]/hooks",  # IPv4-translated
        "https://[64:ff9b::a9fe:a9fe]/hooks",  # NAT64 of 169.254.169.254
        "https://[64:ff9b:1::5db8:d70e]/hooks",  # local-use NAT64: refused even around a public address
        "https://[2002:a00:5::1]/hooks",  # 6to4 through 10.0.0.5
        "https://[2001:0:4136:e378:8000:63bf:3fff:fdd2]/hooks",  # Teredo: its client address is hidden
        "https://[fec0::1]/hooks",  # site-local
        "https://192.88.99.1/hooks",  # the 6to4 relay anycast
    ],
)
def test_an_address_inside_a_private_network_is_refused(admin_client, public_host, url):
    response = admin_client.post(ADD, form(url=url))

    assert response.status_code == 200
    assert "leads into a private network" in response.content.decode()
    assert not Endpoint.objects.exists()


@pytest.mark.parametrize(
    "url",
    ["https://[64:ff9b::5db8:d70e]/hooks", "https://[2002:5db8:d70e::1]/hooks", "https://[2606:4700::1]/"],
)
def test_an_ipv6_address_around_a_public_ipv4_address_is_accepted(admin_client, url):
    admin_client.post(ADD, form(url=url))

    assert Endpoint.objects.get().url == url


def test_plain_http_is_refused_unless_internal_addresses_are_allowed(admin_client, public_host, settings):
    assert (
        "must start with https://"
        in admin_client.post(ADD, form(url="http://crm.example.org/")).content.decode()
    )

    settings.WEBHOOKS_ALLOW_INTERNAL = True
    admin_client.post(ADD, form(url="http://127.0.0.1:9999/hooks"))
    assert Endpoint.objects.get().url == "http://127.0.0.1:9999/hooks"


@pytest.mark.parametrize("url", ["https://169.254.169.254/latest/", "https://[::ffff:0:a9fe:a9fe]/latest/"])
def test_sending_refuses_a_private_address_even_if_one_was_stored(settings, url):
    result = sending.post(url, b"{}", {})

    assert result.status is None and "private network" in result.error


def test_events_are_labelled_for_what_they_say_happened(admin_client, public_host):
    """An administrator choosing events reads that "signed" comes before any confirmation, and the
    endpoint listing says the same, not "signature.created"."""
    add = admin_client.get(ADD).content.decode()
    assert "Signed (not yet confirmed): sent as soon as someone signs, before they confirm by email" in add
    admin_client.post(ADD, form(events=[SIGNATURE_CREATED, SIGNATURE_ERASED]))
    listing = admin_client.get("/admin/webhooks_endpoint/").content.decode()
    assert "Signed (not yet confirmed), Erased: forget this person" in listing
    assert "signature.created" not in listing


def test_a_receiver_of_signers_details_must_hear_about_erasures(admin_client, public_host):
    response = admin_client.post(ADD, form(personal_data="on"))
    assert "must also be told when to delete them" in response.content.decode()

    admin_client.post(
        ADD, form(personal_data="on", events=[SIGNATURE_CREATED, SIGNATURE_ERASED, SIGNATURES_ANONYMISED])
    )
    assert Endpoint.objects.get().personal_data


def test_a_delivery_is_listed_with_its_error_and_retried_by_hand(admin_client, settings):
    settings.WEBHOOKS_ALLOW_INTERNAL = True
    endpoint = Endpoint.objects.create(
        name="CRM", url="http://127.0.0.1:9/nothing-listens", events=[SIGNATURE_CREATED]
    )
    failed = Delivery.objects.create(
        endpoint=endpoint,
        event=SIGNATURE_CREATED,
        subject="signature:1",
        payload={},
        status="failed",
        attempts=12,
        last_error="HTTP 503 Service Unavailable: down for maintenance",
    )

    listing = admin_client.get("/admin/webhooks_delivery/?status=failed").content.decode()
    assert "down for maintenance" in listing and "Retry now" in listing
    assert "Signed (not yet confirmed)" in listing  # what happened, not the event's code
    inspect = admin_client.get(f"/admin/webhooks_delivery/inspect/{failed.pk}/").content.decode()
    assert "Signed (not yet confirmed)" in inspect

    admin_client.post(f"/admin/webhooks/delivery/{failed.pk}/retry/")
    failed.refresh_from_db()
    assert failed.attempts == 13  # tried again at once (the test's tasks run immediately)
    assert failed.status == "pending" and "ConnectionRefusedError" in failed.last_error


@pytest.mark.parametrize(
    ("next_url", "lands_on"),
    [
        ("/admin/webhooks_delivery/?status=failed", "/admin/webhooks_delivery/?status=failed"),
        ("https://evil.example/phish", "/admin/webhooks_delivery/"),
        ("//evil.example/phish", "/admin/webhooks_delivery/"),
        ("javascript:alert(1)", "/admin/webhooks_delivery/"),
    ],
)
def test_retry_now_goes_back_only_to_an_address_on_this_site(admin_client, settings, next_url, lands_on):
    settings.WEBHOOKS_ALLOW_INTERNAL = True
    endpoint = Endpoint.objects.create(name="CRM", url="http://127.0.0.1:9/", events=[SIGNATURE_CREATED])
    failed = Delivery.objects.create(
        endpoint=endpoint, event=SIGNATURE_CREATED, subject="signature:1", payload={}, status="failed"
    )

    response = admin_client.post(f"/admin/webhooks/delivery/{failed.pk}/retry/", {"next": next_url})

    assert response.status_code == 302 and response["Location"] == lands_on


@pytest.mark.parametrize("group", ["Editors", "Signature managers", "Translators"])
@pytest.mark.parametrize(
    "url",
    [ADD, "/admin/webhooks_endpoint/", "/admin/webhooks_delivery/", "/admin/webhooks/delivery/1/retry/"],
)
def test_nobody_but_administrators_sees_webhooks(client, group, url):
    log_in(client, group)

    response = client.post(url) if url.endswith("retry/") else client.get(url)

    assert response.status_code in (302, 403)
    assert "Coalition" not in response.content.decode()
