"""What every page shares: one h1, a working skip link, social metadata, self-hosted assets, error pages."""

from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.template.loader import get_template
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file

from tests.builders import build_campaign, build_index, build_site

pytestmark = pytest.mark.django_db


class Outline(HTMLParser):
    """Collects what the checks below look at: headings, ids, links, scripts, stylesheets, meta tags."""

    def __init__(self):
        super().__init__()
        self.h1 = 0
        self.ids = set()
        self.hrefs = []
        self.scripts = []
        self.stylesheets = []
        self.inline_scripts = 0
        self.style_attributes = 0
        self.meta = {}
        self.imgs = []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "h1":
            self.h1 += 1
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if "style" in attrs:
            self.style_attributes += 1
        if tag == "a":
            self.hrefs.append(attrs.get("href"))
        if tag == "script":
            if attrs.get("src"):
                self.scripts.append(attrs["src"])
            else:
                self.inline_scripts += 1
        if tag == "link" and attrs.get("rel") == "stylesheet":
            self.stylesheets.append(attrs["href"])
        if tag == "meta":
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs.get("content")
        if tag == "img":
            self.imgs.append(attrs)


def outline(html):
    parser = Outline()
    parser.feed(html)
    return parser


@pytest.fixture
def pages():
    home = build_site()
    index = build_index(home)
    image = get_image_model().objects.create(
        title="Doorbell", file=get_test_image_file(size=(1800, 1200)), description="A doorbell camera"
    )
    campaign = build_campaign(index, hero_image=image)
    build_campaign(index, slug="closed", title="Closed campaign", closed=True)
    call_command("update_index", verbosity=0)
    return {"home": home, "index": index, "campaign": campaign}


PAGE_VIEWS = {
    "home": lambda pages: pages["home"].url,
    "index": lambda pages: pages["index"].url,
    "campaign": lambda pages: pages["campaign"].url,
}
ALL_VIEWS = {
    **PAGE_VIEWS,
    "search": lambda pages: "/en-us/search/?q=Ring",
    "empty search": lambda pages: "/en-us/search/",
    "404": lambda pages: "/en-us/no-such-page/",
}


@pytest.mark.parametrize("view", ALL_VIEWS)
def test_one_h1_and_a_skip_link_that_lands(client, pages, view):
    response = client.get(ALL_VIEWS[view](pages))
    assert response.status_code == (404 if view == "404" else 200)
    page = outline(response.content.decode())
    assert page.h1 == 1
    assert page.hrefs[0] == "#main"  # the first link on the page
    assert "main" in page.ids


@pytest.mark.parametrize("view", ALL_VIEWS)
def test_only_self_hosted_assets_and_nothing_inline(client, pages, view):
    page = outline(client.get(ALL_VIEWS[view](pages)).content.decode())
    assert page.stylesheets, "the site's stylesheet is linked"
    for src in page.scripts + page.stylesheets:
        assert src.startswith("/") and not src.startswith("//"), src
    assert page.inline_scripts == 0
    assert page.style_attributes == 0


@pytest.mark.parametrize("view", PAGE_VIEWS)
def test_page_views_carry_social_metadata(client, pages, view):
    page = outline(client.get(PAGE_VIEWS[view](pages)).content.decode())
    assert page.meta["og:title"]
    assert page.meta["twitter:card"] in {"summary", "summary_large_image"}
    assert page.meta["og:locale"] == "en_US"


def test_campaign_social_image_is_absolute_and_hero_is_responsive(client, pages):
    page = outline(client.get(pages["campaign"].url).content.decode())
    assert page.meta["og:title"] == pages["campaign"].title
    assert page.meta["og:image"].startswith("http://testserver/")
    hero = next(img for img in page.imgs if "campaign-hero__image" in img.get("class", ""))
    assert hero["alt"] == "A doorbell camera"
    assert " 640w" in hero["srcset"] and " 1600w" in hero["srcset"]
    assert hero["width"] and hero["height"] and hero["sizes"]


def test_campaign_page_has_the_petition_container_and_its_assets(client, pages):
    html = client.get(pages["campaign"].url).content.decode()
    page = outline(html)
    assert "sign" in page.ids
    assert '<aside class="campaign-petition" id="sign"' in html
    assert "/static/css/petition.css" in page.stylesheets
    assert "/static/js/petition.js" in page.scripts
    assert 'href="#sign"' in html


def test_index_lists_open_and_closed_campaigns(client, pages):
    html = client.get(pages["index"].url).content.decode()
    assert "Open campaigns" in html and "Closed campaigns" in html
    assert 'class="status status--closed"' in html


def test_header_has_search_and_language_switcher(client, pages):
    html = client.get(pages["home"].url).content.decode()
    assert 'role="search"' in html
    assert 'class="language-switcher"' in html
    assert "never keep your IP address" in html  # the footer's promise


def test_500_page_renders_without_a_request():
    html = get_template("500.html").render()
    page = outline(html)
    assert page.h1 == 1
    assert "/static/css/site.css" in page.stylesheets
    assert "main" in page.ids and page.hrefs[0] == "#main"
    assert "Stand Up For Privacy" in html
    assert page.inline_scripts == 0 and not page.scripts


@pytest.mark.django_db
def test_the_admin_loads_nothing_from_other_hosts(admin_client):
    html = admin_client.get("/admin/").content.decode()
    assert "gravatar.com" not in html
