"""Locale routing: prefixed URLs, "/" by Accept-Language, hreflang alternates and the language switcher."""

import pytest
from bs4 import BeautifulSoup

from tests.builders import build_campaign, build_index, build_site, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    home = build_site()
    index = build_index(home)
    ring = build_campaign(index)
    gb_ring = translate(ring, "en-gb", title="Tell Amazon Ring: stop sharing footage with the Met")
    translate(home, "de", title="Startseite", hero_heading="Privatsphäre ist ein Recht")
    return {"home": home, "ring": ring, "gb_ring": gb_ring}


@pytest.mark.parametrize(
    "accept_language, expected",
    [
        ("en-GB,en;q=0.8", "/en-gb/"),
        ("en-US,en;q=0.9", "/en-us/"),
        ("de-AT,de;q=0.9", "/de/"),
        ("fr-CA", "/fr/"),
        ("es-MX,es;q=0.9", "/es/"),
        ("en", "/en-us/"),
        ("ja-JP,ja;q=0.9", "/en-us/"),
        ("", "/en-us/"),
    ],
)
def test_root_sends_visitors_to_their_language(client, site, accept_language, expected):
    response = client.get("/", headers={"accept-language": accept_language} if accept_language else {})
    assert response.status_code == 302
    assert response["Location"] == expected
    assert "Accept-Language" in response.get("Vary", "")


def test_unprefixed_page_paths_are_redirected_too(client, site):
    response = client.get("/campaigns/amazon-ring/", headers={"accept-language": "en-GB"})
    assert response.status_code == 302
    assert response["Location"] == "/en-gb/campaigns/amazon-ring/"
    assert client.get(response["Location"]).status_code == 200


def test_each_locale_serves_its_own_version(client, site):
    us = client.get("/en-us/campaigns/amazon-ring/")
    gb = client.get("/en-gb/campaigns/amazon-ring/")
    assert us.status_code == gb.status_code == 200
    assert site["ring"].title in us.content.decode()
    assert site["gb_ring"].title in gb.content.decode()
    assert '<html lang="en-us"' in us.content.decode()
    assert '<html lang="en-gb"' in gb.content.decode()


def alternates(response):
    soup = BeautifulSoup(response.content, "html.parser")
    return {link["hreflang"]: link["href"] for link in soup.select('link[rel="alternate"][hreflang]')}


def test_pages_list_their_published_translations_as_hreflang_alternates(client, site):
    links = alternates(client.get("/en-gb/campaigns/amazon-ring/"))
    assert links == {
        "en-us": "http://localhost/en-us/campaigns/amazon-ring/",
        "en-gb": "http://localhost/en-gb/campaigns/amazon-ring/",
        "x-default": "http://localhost/en-us/campaigns/amazon-ring/",
    }


def test_unpublished_translations_are_not_alternates(client, site):
    site["gb_ring"].unpublish()
    links = alternates(client.get("/en-us/campaigns/amazon-ring/"))
    assert "en-gb" not in links
    assert links["x-default"] == "http://localhost/en-us/campaigns/amazon-ring/"


def test_language_switcher_links_to_the_translation_or_that_locales_home(client, site):
    soup = BeautifulSoup(client.get("/en-us/campaigns/amazon-ring/").content, "html.parser")
    switcher = {a["hreflang"]: a["href"] for a in soup.select(".language-switcher a[hreflang]")}
    assert switcher["en-us"] == "/en-us/campaigns/amazon-ring/"
    assert switcher["en-gb"] == "/en-gb/campaigns/amazon-ring/"
    # Not translated into German: the German home page instead.
    assert switcher["de"] == "/de/"
    current = soup.select_one('.language-switcher a[aria-current="true"]')
    assert current["hreflang"] == "en-us"
