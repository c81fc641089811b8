"""The site's address follows BASE_URL: canonical, og:url, hreflang and the links in mails point where the
site is really served (`manage.py set_site_address`, run by `make run` and each release)."""

import re
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.core.management import CommandError, call_command
from wagtail.models import Site

from tests.builders import build_campaign, build_index, build_site, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def ring():
    campaign = build_campaign(build_index(build_site()), confirmation_required=True)
    translate(campaign, "en-gb")
    return campaign


def set_site_address(settings, base_url):
    settings.BASE_URL = base_url
    out = StringIO()
    call_command("set_site_address", stdout=out)
    return out.getvalue()


def absolute_links(client, path):
    soup = BeautifulSoup(client.get(path).content, "html.parser")
    return [
        soup.select_one('link[rel="canonical"]')["href"],
        soup.select_one('meta[property="og:url"]')["content"],
        *(link["href"] for link in soup.select('link[rel="alternate"][hreflang]')),
    ]


@pytest.mark.parametrize(
    "base_url, root",
    [
        ("http://127.0.0.1:8600", "http://127.0.0.1:8600"),
        ("https://campaigns.example.org", "https://campaigns.example.org"),
        ("https://campaigns.example.org:443/", "https://campaigns.example.org"),
        ("http://campaigns.example.org", "http://campaigns.example.org"),
    ],
)
def test_every_absolute_link_on_a_page_starts_with_base_url(client, settings, ring, base_url, root):
    output = set_site_address(settings, base_url)

    assert f"Default site now at {root}" in output
    links = absolute_links(client, ring.url)
    assert len(links) == 5  # canonical, og:url, en-us, en-gb, x-default
    assert all(link.startswith(f"{root}/en-") for link in links), links


def test_the_confirmation_mail_links_to_base_url(client, settings, ring):
    set_site_address(settings, "http://127.0.0.1:8600")

    signer = {"first_name": "Ada", "last_name": "L", "email": "ada@example.org", "country": "GB"}
    assert client.post(ring.url, signer, HTTP_ORIGIN="http://testserver").status_code == 303

    [message] = mail.outbox
    assert re.search(r"http://127\.0\.0\.1:8600/en-us/sign/confirm/\S+/", message.body)


def test_running_it_again_changes_nothing(settings, ring):
    set_site_address(settings, "https://campaigns.example.org")
    assert "already at https://campaigns.example.org" in set_site_address(
        settings, "https://campaigns.example.org"
    )
    assert Site.objects.get().root_url == "https://campaigns.example.org"


@pytest.mark.parametrize(
    "base_url, reason",
    [
        ("https://campaigns.example.org:8443", "https only on port 443"),
        ("campaigns.example.org", "must look like https://"),
        ("https://example.org/campaigns/", "without a path"),
    ],
)
def test_an_address_wagtail_cannot_represent_is_refused_with_the_reason(settings, ring, base_url, reason):
    with pytest.raises(CommandError, match=reason):
        set_site_address(settings, base_url)
    assert Site.objects.get().root_url == "http://localhost"  # unchanged
