"""The page cache (serving/pagecache.py): anonymous visitors get stored pages; nobody gets a wrong one."""

import time
from datetime import timedelta

import pytest
from django.utils import timezone

from campaigns.models.counter import signature_count
from serving import pagecache
from tests.builders import build_campaign, build_index, build_site, translate
from tests.campaigns.conftest import ORIGIN

pytestmark = pytest.mark.django_db


@pytest.fixture
def site():
    home = build_site()
    index = build_index(home)
    campaign = build_campaign(index)
    return home, index, campaign


def visit(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200
    return response


def test_a_second_visitor_gets_the_stored_page_without_touching_the_database(
    client, site, django_assert_num_queries
):
    _home, _index, campaign = site
    first = visit(client, campaign.url)

    with django_assert_num_queries(0):
        second = visit(client, campaign.url)

    assert second.content == first.content
    assert first.page_cache == "miss" and second.page_cache == "hit"
    assert second["ETag"] == first["ETag"]


def test_home_and_campaign_list_are_stored_too(client, site, django_assert_num_queries):
    home, index, _campaign = site
    for url in (home.url, index.url):
        visit(client, url)
        with django_assert_num_queries(0):
            assert visit(client, url).page_cache == "hit"


def test_anonymous_pages_are_public_for_shared_caches_and_never_vary_on_cookies(client, site):
    _home, _index, campaign = site
    for response in (visit(client, campaign.url), visit(client, campaign.url)):
        assert "cookie" not in response.get("Vary", "").lower()
        assert not response.cookies
        directives = {part.strip() for part in response["Cache-Control"].split(",")}
        assert "public" in directives
        max_age = next(int(part.split("=")[1]) for part in directives if part.startswith("max-age="))
        assert 0 <= max_age <= 10  # the count on a stored page is never older than this
        assert any(part.startswith("stale-while-revalidate=") for part in directives)
        assert any(part.startswith("stale-if-error=") for part in directives)


def test_tracking_parameters_share_the_stored_page_and_other_queries_bypass_it(client, site):
    _home, _index, campaign = site
    visit(client, campaign.url)

    assert visit(client, f"{campaign.url}?utm_source=newsletter&fbclid=x").page_cache == "hit"
    other = visit(client, f"{campaign.url}?preview=1")
    assert not hasattr(other, "page_cache")
    assert "no-store" in other["Cache-Control"]


def test_a_browser_holding_the_page_gets_304_and_head_gets_no_body(client, site):
    _home, _index, campaign = site
    etag = visit(client, campaign.url)["ETag"]

    assert client.get(campaign.url, HTTP_IF_NONE_MATCH=etag).status_code == 304
    head = client.head(campaign.url)
    assert head.status_code == 200 and head.content == b""
    assert int(head["Content-Length"]) > 1000


def test_publishing_shows_the_change_at_once(client, site):
    _home, index, campaign = site
    visit(client, campaign.url)
    visit(client, index.url)

    campaign.title = "Ring: a new title"
    campaign.save_revision().publish()

    assert "Ring: a new title" in visit(client, campaign.url).content.decode()
    assert "Ring: a new title" in visit(client, index.url).content.decode()  # a listing of the page


def test_unpublishing_and_deleting_take_pages_away_at_once(client, site):
    _home, index, campaign = site
    visit(client, campaign.url)

    campaign.unpublish()
    assert client.get(campaign.url).status_code == 404
    assert "Tell Amazon Ring" not in visit(client, index.url).content.decode()

    campaign.save_revision().publish()
    visit(client, campaign.url)
    campaign.delete()
    assert client.get(campaign.url).status_code == 404


def test_moving_a_page_serves_it_at_its_new_address(client, site):
    home, index, campaign = site
    other_index = build_index(home, title="Archive", slug="archive")
    old_url = campaign.url
    visit(client, old_url)

    campaign.move(other_index, pos="last-child")

    moved = client.get(old_url)  # no longer the stored page: Wagtail's automatic redirect to the new address
    assert moved.status_code == 301 and moved["Location"] == "/en-us/archive/amazon-ring/"
    assert visit(client, "/en-us/archive/amazon-ring/").status_code == 200


def test_a_new_translation_appears_in_the_language_switcher_of_stored_pages(client, site):
    home, index, campaign = site
    before = visit(client, campaign.url).content.decode()
    assert 'hreflang="de"' not in before

    translate(home, "de", slug="home-de")
    translate(index, "de", slug="kampagnen")
    translate(campaign, "de", title="Ring: Schluss damit")

    after = visit(client, campaign.url).content.decode()
    assert 'hreflang="de"' in after


def test_logged_in_editors_never_get_or_fill_the_stored_page(client, admin_client, site):
    _home, _index, campaign = site
    visit(client, campaign.url)  # stored for anonymous visitors

    editor_view = admin_client.get(campaign.url)
    assert not hasattr(editor_view, "page_cache")
    assert "no-store" in editor_view["Cache-Control"] and "private" in editor_view["Cache-Control"]
    assert "wagtail-userbar" in editor_view.content.decode()

    anonymous = visit(client, campaign.url)
    assert anonymous.page_cache == "hit"
    assert "wagtail-userbar" not in anonymous.content.decode()


def test_posts_never_read_or_fill_the_cache(client, site, sign_data):
    _home, _index, campaign = site
    visit(client, campaign.url)

    response = client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN)
    assert response.status_code == 303
    assert not hasattr(response, "page_cache")
    assert "no-store" in response["Cache-Control"]


def test_the_count_on_a_stored_page_follows_within_its_freshness(client, site, sign_data, monkeypatch):
    _home, _index, campaign = site
    assert 'data-signature-count="0"' in visit(client, campaign.url).content.decode()
    client.post(campaign.url, sign_data(), HTTP_ORIGIN=ORIGIN)
    assert signature_count(campaign.translation_key) == 1

    stored = visit(client, campaign.url)
    assert 'data-signature-count="0"' in stored.content.decode()  # a copy at most FRESH seconds old

    later = time.time() + pagecache.FRESH + pagecache.STALE
    monkeypatch.setattr(pagecache.time, "time", lambda: later)
    assert 'data-signature-count="1"' in visit(client, campaign.url).content.decode()


def test_a_campaign_closing_by_date_stops_showing_its_form_with_no_publish(client, site):
    _home, index, campaign = site
    campaign.closing_date = timezone.now() + timedelta(seconds=1.5)
    campaign.save_revision().publish()
    assert "data-petition-form" in visit(client, campaign.url).content.decode()
    assert visit(client, campaign.url).page_cache == "hit"

    time.sleep(1.6)

    page = visit(client, campaign.url).content.decode()
    assert "data-petition-form" not in page
    assert "This petition is closed" in page


def test_a_view_restricted_page_is_never_stored(client, site):
    from wagtail.models import PageViewRestriction

    _home, _index, campaign = site
    PageViewRestriction.objects.create(page=campaign, restriction_type="password", password="s3cret")

    first = client.get(campaign.url)
    second = client.get(campaign.url)
    assert "s3cret" not in second.content.decode()
    assert not hasattr(second, "page_cache")
    assert "Tell Amazon Ring" not in first.content.decode().split("<main")[-1][:200]
