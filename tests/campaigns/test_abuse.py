"""Abuse: the honeypot, the per-client rate limit and the origin check that replaces the CSRF token."""

import pytest
from django.core.cache import cache
from django.test import Client

from campaigns import ratelimit
from campaigns.models.counter import signature_count
from campaigns.models.signature import Signature
from ops import process_memory
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db

JSON = {"HTTP_ACCEPT": "application/json"}


def test_a_filled_honeypot_looks_like_success_and_stores_nothing(client, campaign, sign_data):
    real = client.post(campaign.url, sign_data(email="real@example.org"), HTTP_ORIGIN=ORIGIN)
    bot = client.post(campaign.url, sign_data(website="http://spam.example"), HTTP_ORIGIN=ORIGIN)
    bot_json = client.post(campaign.url, sign_data(website="http://spam.example"), HTTP_ORIGIN=ORIGIN, **JSON)

    assert (bot.status_code, bot["Location"]) == (real.status_code, real["Location"])
    assert bot_json.status_code == 200
    assert bot_json.json()["ok"] is True
    assert list(Signature.objects.values_list("email", flat=True)) == ["real@example.org"]
    assert signature_count(campaign.translation_key) == 1


def test_the_honeypot_is_hidden_from_people(client, campaign):
    html = client.get(campaign.url).content.decode()

    assert '<div class="petition-form__honeypot" aria-hidden="true">' in html
    assert 'name="website" tabindex="-1" autocomplete="off"' in html


def test_too_many_attempts_from_one_client_get_a_clear_429(client, campaign, sign_data, settings):
    settings.SIGN_RATE_LIMIT = "2/10m"
    for n in range(2):
        assert (
            client.post(campaign.url, sign_data(email=f"s{n}@example.org"), HTTP_ORIGIN=ORIGIN).status_code
            == 303
        )

    page = client.post(campaign.url, sign_data(email="s3@example.org"), HTTP_ORIGIN=ORIGIN)
    as_json = client.post(campaign.url, sign_data(email="s4@example.org"), HTTP_ORIGIN=ORIGIN, **JSON)

    assert page.status_code == 429
    assert 0 < int(page["Retry-After"]) <= 600
    assert "Please wait a moment" in page.content.decode()
    minutes = max(1, round(int(page["Retry-After"]) / 60))
    assert f"Please try again in {minutes} minute" in page.content.decode()
    assert as_json.status_code == 429
    assert as_json.json()["ok"] is False
    assert "try again" in as_json.json()["errors"]["__all__"][0]
    assert Signature.objects.count() == 2
    # Another client is not held back.
    other = client.post(
        campaign.url, sign_data(email="s5@example.org"), HTTP_ORIGIN=ORIGIN, REMOTE_ADDR="192.0.2.9"
    )
    assert other.status_code == 303


def test_behind_a_trusted_proxy_clients_are_told_apart_by_x_forwarded_for(
    client, campaign, sign_data, settings
):
    settings.SIGN_RATE_LIMIT = "1/1h"
    settings.TRUSTED_PROXIES = 1

    def post(email, forwarded):
        return client.post(
            campaign.url,
            sign_data(email=email),
            HTTP_ORIGIN=ORIGIN,
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    assert post("a@example.org", "198.51.100.1").status_code == 303
    assert post("b@example.org", "198.51.100.2").status_code == 303
    # A client cannot escape by adding its own entries in front of what the proxy appended.
    assert post("c@example.org", "203.0.113.99, 198.51.100.1").status_code == 429


def test_the_rate_limit_keeps_no_ip_address(client, campaign, sign_data, settings):
    """Without Redis: this process's memory. (With Redis: tests/test_redis.py, whatever the environment says.)"""
    settings.REDIS_URL = None
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
    client.get(campaign.url, REMOTE_ADDR="192.0.2.77")
    client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN, REMOTE_ADDR="192.0.2.77")

    keys = list(ratelimit._memory.counts) + list(cache._cache)
    assert ratelimit._memory.counts and cache._cache  # an attempt was counted, a page was cached
    assert not any("192.0.2.77" in key for key in keys)
    assert not any(b"192.0.2.77" in value for value in cache._cache.values())


def test_ipv6_clients_are_limited_per_64_network_not_per_address(client, campaign, sign_data, settings):
    settings.SIGN_RATE_LIMIT = "2/10m"

    def post(n, address):
        return client.post(
            campaign.url, sign_data(email=f"v6-{n}@example.org"), HTTP_ORIGIN=ORIGIN, REMOTE_ADDR=address
        )

    # One household rotating through its /64 is one client...
    assert post(1, "2001:db8:1:2::1").status_code == 303
    assert post(2, "2001:db8:1:2:ffff::9").status_code == 303
    assert post(3, "2001:db8:1:2:abcd:1234:5678:9abc").status_code == 429
    # ...a neighbour in another /64 is another.
    assert post(4, "2001:db8:1:3::1").status_code == 303
    # IPv4 clients are still told apart one by one, also when written as IPv6-mapped addresses.
    assert post(5, "::ffff:192.0.2.10").status_code == 303
    assert post(6, "192.0.2.11").status_code == 303


def test_x_forwarded_for_is_believed_only_from_the_proxies_named(client, campaign, sign_data, settings):
    settings.SIGN_RATE_LIMIT = "1/1h"
    settings.TRUSTED_PROXIES = 1
    settings.TRUSTED_PROXY_NETWORKS = ["10.0.0.0/8"]

    def post(n, remote, forwarded):
        return client.post(
            campaign.url,
            sign_data(email=f"p{n}@example.org"),
            HTTP_ORIGIN=ORIGIN,
            REMOTE_ADDR=remote,
            HTTP_X_FORWARDED_FOR=forwarded,
        )

    assert post(1, "10.0.0.1", "198.51.100.1").status_code == 303  # through the proxy: the client's address
    assert post(2, "10.0.0.2", "198.51.100.2").status_code == 303
    # Reaching the app directly, a client cannot pick a new address for each attempt.
    assert post(3, "203.0.113.5", "198.51.100.3").status_code == 303
    assert post(4, "203.0.113.5", "198.51.100.4").status_code == 429


def test_trusting_proxies_while_reached_directly_is_warned_about_once(
    client, campaign, sign_data, settings, caplog
):
    settings.TRUSTED_PROXIES = 1
    settings.TRUSTED_PROXY_NETWORKS = []
    process_memory.forget_all()

    with caplog.at_level("WARNING", logger="campaigns.ratelimit"):
        for n in range(3):
            client.post(campaign.url, sign_data(email=f"d{n}@example.org"), HTTP_ORIGIN=ORIGIN)

    warnings = [r for r in caplog.records if "reachable only through its proxies" in r.getMessage()]
    assert len(warnings) == 1


@pytest.mark.parametrize(
    "headers",
    [
        {"HTTP_ORIGIN": "https://evil.example"},
        {"HTTP_ORIGIN": "null"},
        {"HTTP_ORIGIN": "https://testserver"},  # another scheme is another origin
        {"HTTP_SEC_FETCH_SITE": "cross-site"},
        {"HTTP_REFERER": "https://evil.example/petition-trap.html"},
    ],
    ids=["foreign-origin", "null-origin", "other-scheme", "fetch-metadata", "foreign-referer"],
)
def test_a_forged_cross_site_post_is_refused_and_not_counted(client, campaign, sign_data, headers):
    page = client.post(campaign.url, sign_data(), **headers)
    as_json = client.post(campaign.url, sign_data(), **headers, **JSON)

    assert page.status_code == 403
    assert "sent from another website" in page.content.decode()
    assert as_json.status_code == 403
    assert as_json.json()["ok"] is False
    assert not Signature.objects.exists()
    assert signature_count(campaign.translation_key) == 0


def test_a_same_origin_post_signs_without_any_csrf_cookie_or_token(campaign, sign_data):
    browser = Client(enforce_csrf_checks=True)
    page = browser.get(campaign.url)
    assert "csrfmiddlewaretoken" not in page.content.decode()  # the cached HTML holds no one's token
    assert "csrftoken" not in page.cookies

    by_origin = browser.post(campaign.url, sign_data(email="a@example.org"), HTTP_ORIGIN=ORIGIN)
    by_fetch_metadata = browser.post(
        campaign.url, sign_data(email="b@example.org"), HTTP_SEC_FETCH_SITE="same-origin"
    )
    by_referer = browser.post(
        campaign.url, sign_data(email="c@example.org"), HTTP_REFERER=f"{ORIGIN}{campaign.url}"
    )

    assert [r.status_code for r in (by_origin, by_fetch_metadata, by_referer)] == [303, 303, 303]
    assert signature_count(campaign.translation_key) == 3


def test_other_pages_are_protected_by_the_same_origin_check(client, campaign):
    home = campaign.get_parent().get_parent()

    assert client.post(home.url, {}, HTTP_ORIGIN="https://evil.example").status_code == 403


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_on_a_campaign_are_not_allowed(client, campaign, sign_data, method):
    response = getattr(client, method)(campaign.url, HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, POST"
    assert not Signature.objects.exists()


def test_posting_to_the_thank_you_page_or_the_home_page_is_not_allowed(client, campaign, sign_data):
    home = campaign.get_parent().get_parent()

    thanks = client.post(f"{campaign.url}thank-you/", sign_data(), HTTP_ORIGIN=ORIGIN)
    front = client.post(home.url, sign_data(), HTTP_ORIGIN=ORIGIN)

    assert (thanks.status_code, thanks["Allow"]) == (405, "GET, HEAD")
    assert (front.status_code, front["Allow"]) == (405, "GET, HEAD")
    assert "cannot be used that way" in thanks.content.decode()
    assert not Signature.objects.exists()


def test_a_huge_body_is_refused_before_it_is_read(client, campaign, sign_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    def video():
        return SimpleUploadedFile("video.mp4", b"\0" * (20 * 1024 * 1024), content_type="video/mp4")

    response = client.post(campaign.url, {**sign_data(), "attachment": video()}, HTTP_ORIGIN=ORIGIN)
    as_json = client.post(campaign.url, {**sign_data(), "attachment": video()}, HTTP_ORIGIN=ORIGIN, **JSON)

    assert response.status_code == as_json.status_code == 413
    assert "far too large" in as_json.json()["errors"]["__all__"][0]
    assert not Signature.objects.exists()


@pytest.mark.parametrize("length", ["abc", "-1", "1e3"])
def test_a_length_that_is_no_length_gets_a_clear_400(client, campaign, sign_data, length):
    """Django itself fails (a 500) reading a form whose Content-Length is not a number; gunicorn refuses such
    a request before the app, other servers may not."""
    response = client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN, CONTENT_LENGTH=length)
    as_json = client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN, CONTENT_LENGTH=length, **JSON)

    assert response.status_code == as_json.status_code == 400
    assert "could not be read" in response.content.decode()
    assert "could not be read" in as_json.json()["errors"]["__all__"][0]
    assert not Signature.objects.exists()


def test_the_admin_takes_uploads_larger_than_a_signature(admin_client):
    """The public site's bound on bodies leaves the admin alone: editors upload images and documents."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    document = SimpleUploadedFile("report.txt", b"x" * (200 * 1024), content_type="text/plain")
    response = admin_client.post("/admin/documents/multiple/add/", {"files[]": document, "title": "Report"})

    assert response.status_code == 200
    assert response.json()["success"] is True


def test_a_small_file_is_refused_too(client, campaign, sign_data):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("note.txt", b"hello", content_type="text/plain")
    response = client.post(campaign.url, {**sign_data(), "attachment": upload}, HTTP_ORIGIN=ORIGIN)

    assert response.status_code == 400
    assert "takes no files" in response.content.decode()
    assert not Signature.objects.exists()
