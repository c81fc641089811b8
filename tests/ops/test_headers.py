"""What every response tells the browser: a Content-Security-Policy with no inline code on public pages and
only what the Wagtail admin needs on its own, a Permissions-Policy that denies every powerful feature, a
request id, and an admin that can be moved to another address."""

import importlib
import os
import re
import subprocess
import sys

import pytest
from django.test import override_settings
from django.urls import clear_url_caches

from tests.builders import build_campaign, build_index, build_site
from tests.services import ROOT

pytestmark = pytest.mark.django_db


def policy(response):
    """The Content-Security-Policy as {directive: [sources]}."""
    directives = [part.strip().split() for part in response["Content-Security-Policy"].split(";")]
    return {name: sources for name, *sources in directives if name}


@pytest.fixture
def campaign():
    return build_campaign(build_index(build_site()))


def test_public_pages_run_no_inline_code_and_cannot_be_framed(client, campaign):
    csp = policy(client.get(campaign.url))

    assert csp["script-src"] == ["'self'"]
    assert csp["style-src"] == ["'self'"]
    assert csp["frame-ancestors"] == ["'none'"]
    assert csp["object-src"] == ["'none'"]
    assert csp["form-action"] == ["'self'"]
    assert not any("unsafe" in source for sources in csp.values() for source in sources)


def test_public_pages_contain_no_inline_script_or_style_the_policy_would_block(client, campaign):
    html = client.get(campaign.url).content.decode()

    assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", html), "inline <script>"
    assert "<style" not in html
    assert not re.search(r"\sstyle=", html), "style attribute"
    assert not re.search(r"\son[a-z]+=", html), "inline event handler"


def test_admin_pages_get_what_the_wagtail_admin_needs(admin_client, campaign):
    public = policy(admin_client.get(campaign.url))
    admin = policy(admin_client.get(f"/admin/pages/{campaign.pk}/edit/"))

    assert admin["script-src"] == ["'self'", "'unsafe-inline'"]
    assert admin["style-src"] == ["'self'", "'unsafe-inline'"]
    assert admin["frame-ancestors"] == ["'self'"]  # the editor's live preview frames an admin page
    assert admin["object-src"] == ["'none'"]
    # An editor looking at the public site gets the public policy.
    assert public["script-src"] == ["'self'"]


def test_the_policy_follows_its_setting_and_each_responses_own_change(client, campaign, settings):
    """The public header is built once (ops.middleware), yet a changed setting and a response that changes
    its own policy (an embedded petition's frame-ancestors) are still honoured, and do not stick (the
    page cache is bypassed here: it keeps a page's headers with the page)."""
    from campaigns.embedding import allow_framing
    from ops.middleware import ContentSecurityPolicyMiddleware

    assert policy(client.get(campaign.url, {"nocache": "1"}))["img-src"] == ["'self'"]
    settings.CONTENT_SECURITY_POLICY = {
        "DIRECTIVES": {**settings.CONTENT_SECURITY_POLICY["DIRECTIVES"], "img-src": ["'self'", "img.example"]}
    }
    assert policy(client.get(campaign.url, {"nocache": "1"}))["img-src"] == ["'self'", "img.example"]

    def framed_view(request):
        from django.http import HttpResponse

        return allow_framing(HttpResponse("framed"), ["https://partner.example"])

    middleware = ContentSecurityPolicyMiddleware(framed_view)
    framed = middleware(client.get(campaign.url, {"nocache": "1"}).wsgi_request)
    assert policy(framed)["frame-ancestors"] == ["https://partner.example"]
    assert policy(client.get(campaign.url, {"nocache": "1"}))["frame-ancestors"] == ["'none'"]


def test_error_pages_have_the_policy_too(client, campaign):
    response = client.get("/en-us/no-such-page/")
    assert response.status_code == 404
    assert policy(response)["script-src"] == ["'self'"]


def test_powerful_browser_features_are_denied(client, campaign):
    header = client.get(campaign.url)["Permissions-Policy"]

    denied = dict(item.strip().split("=") for item in header.split(","))
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert denied[feature] == "()"


def test_each_response_names_its_request(client, campaign, settings):
    first, second = client.get(campaign.url), client.get(campaign.url)
    assert re.fullmatch(r"[0-9a-f]{32}", first["X-Request-ID"])
    assert first["X-Request-ID"] != second["X-Request-ID"]

    # The load balancer's id is kept when one is trusted to be in front, never from a client directly.
    forwarded = {"HTTP_X_REQUEST_ID": "lb-4f1c2a9e-77"}
    assert client.get(campaign.url, **forwarded)["X-Request-ID"] != "lb-4f1c2a9e-77"
    settings.TRUSTED_PROXIES = 1
    assert client.get(campaign.url, **forwarded)["X-Request-ID"] == "lb-4f1c2a9e-77"
    assert client.get(campaign.url, HTTP_X_REQUEST_ID="bad\nline")["X-Request-ID"] != "bad\nline"


@pytest.fixture
def admin_moved(settings):
    """config.urls reloaded with ADMIN_PATH=backstage, restored afterwards."""
    import config.urls

    settings.ADMIN_PATH = "backstage"
    clear_url_caches()
    with override_settings(ROOT_URLCONF="config.urls"):
        importlib.reload(config.urls)
        yield
    settings.ADMIN_PATH = "admin"
    importlib.reload(config.urls)
    clear_url_caches()


def test_the_admin_moves_to_admin_path(admin_client, campaign, admin_moved):
    moved = admin_client.get(f"/backstage/pages/{campaign.pk}/edit/")
    old = admin_client.get("/admin/", follow=True)

    assert moved.status_code == 200
    assert policy(moved)["script-src"] == ["'self'", "'unsafe-inline'"]
    assert old.status_code == 404


@pytest.mark.parametrize(
    "base_url, media_origin",
    [
        ("https://campaigns.example.org", "https://media.campaigns.example.org"),
        # The site tried out over plain http (compose.yaml) fetches its media over http as well.
        ("http://localhost:8080", "http://media.campaigns.example.org"),
    ],
)
def test_media_on_s3_are_allowed_as_images_over_the_sites_scheme(base_url, media_origin):
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings\n"
        "from django.core.files.storage import default_storage\n"
        "print(' '.join(settings.CONTENT_SECURITY_POLICY['DIRECTIVES']['img-src']))\n"
        "print(default_storage.url('original_images/ring.jpg'))\n"
    )
    environ = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.test",
        "BASE_URL": base_url,
        "AWS_STORAGE_BUCKET_NAME": "campaign-media",
        "AWS_S3_CUSTOM_DOMAIN": "media.campaigns.example.org",
    }
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environ, capture_output=True, text=True
    )
    policy_line, url = result.stdout.splitlines()
    assert policy_line.split() == ["'self'", media_origin], result.stderr
    assert url == f"{media_origin}/original_images/ring.jpg"
