"""The public API as a partner's web page or a journalist's script reads it: what each address answers, in
which language, how it may be cached and read from other sites, and what a wrong address gets."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import data
from tests.builders import build_signature

pytestmark = pytest.mark.django_db


def get(client, path, **headers):
    response = client.get(path, **headers)
    return response, json.loads(response.content) if response.content else None


def test_the_campaigns_of_a_language_with_their_counts_and_goals(client, published):
    campaign, german = published

    response, body = get(client, "/de/api/v1/campaigns/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert body["locale"] == "de"
    [listed] = body["campaigns"]
    assert listed["id"] == str(campaign.translation_key)
    assert listed["title"] == "Sag Amazon Ring: Schluss mit dem Teilen"
    assert listed["browser_url"] == german.get_full_url()
    assert listed["total_signatures"] == 27  # every language's counted signatures; the 5 unconfirmed wait
    assert listed["goal"] == 3000
    assert listed["open"] is True and listed["closing_date"] is None
    assert listed["target"] == [{"name": "Amazon Ring"}]
    assert get(client, "/es/api/v1/campaigns/")[1] == {"locale": "es", "campaigns": []}


def test_one_campaign_names_its_address_and_goal_in_each_language(client, published):
    campaign, german = published

    response, body = get(client, f"/en-us/api/v1/campaigns/{campaign.translation_key}/")

    assert response.status_code == 200
    assert body["title"] == campaign.title and body["goal"] == 5000
    assert body["translations"] == [
        {"locale": "de", "title": german.title, "browser_url": german.get_full_url(), "goal": 3000},
        {"locale": "en-us", "title": campaign.title, "browser_url": campaign.get_full_url(), "goal": 5000},
    ]
    assert body["_links"]["countries"]["href"].endswith(
        f"/en-us/api/v1/campaigns/{campaign.translation_key}/countries/"
    )


def test_a_campaign_says_when_it_closes_and_whether_it_has(client, published):
    campaign, _german = published
    url = f"/en-us/api/v1/campaigns/{campaign.translation_key}/"
    campaign.closing_date = datetime(2099, 5, 1, 12, 0, tzinfo=UTC)
    campaign.save_revision().publish()

    body = get(client, url)[1]
    assert body["open"] is True and body["closing_date"] == "2099-05-01T12:00:00Z"

    campaign.closed = True
    campaign.save_revision().publish()
    assert get(client, url)[1]["open"] is False


def test_counts_by_country_fold_small_groups_into_other(client, published):
    campaign, _german = published

    response, body = get(client, f"/de/api/v1/campaigns/{campaign.translation_key}/countries/")

    assert response.status_code == 200
    assert body["minimum"] == 10
    assert body["countries"] == [
        {"code": "DE", "name": "Deutschland", "count": 12},
        {"code": "GB", "name": "Vereinigtes Königreich", "count": 10},
    ]
    assert body["other"] == 5  # France's 3 and the 2 that name no country: no group under 10 stands alone
    assert body["total"] == 27


def test_the_minimum_is_a_setting(client, published, settings):
    campaign, _german = published
    settings.PUBLIC_COUNTRY_MINIMUM = 3

    _response, body = get(client, f"/en-us/api/v1/campaigns/{campaign.translation_key}/countries/")

    assert [row["code"] for row in body["countries"]] == ["DE", "GB", "FR"]
    assert body["other"] == 2


def test_counts_by_country_are_counted_once_a_minute_not_per_request(client, published, monkeypatch):
    campaign, _german = published
    url = f"/en-us/api/v1/campaigns/{campaign.translation_key}/countries/"
    clock = [1_000_000.0]
    monkeypatch.setattr(data.time, "time", lambda: clock[0])
    get(client, url)
    build_signature(campaign, country="GB")

    def group_bys(path):
        with CaptureQueriesContext(connection) as queries:
            body = get(client, path)[1]
        return body, [q for q in queries if "GROUP BY" in q["sql"] and "campaigns_signature" in q["sql"]]

    body, counted = group_bys(url + "?again=1")  # a query string: past the page cache, into the view
    assert counted == [] and body["total"] == 27  # the copy from a moment ago

    clock[0] += data.COUNTRIES_FRESH
    body, counted = group_bys(url + "?later=1")
    assert len(counted) == 1 and body["total"] == 28


def test_a_stale_copy_is_served_while_another_request_recounts(published):
    campaign, _german = published
    key = campaign.translation_key
    data.country_counts(key)
    from django.core.cache import cache

    cache.set(f"api-countries:{key}", (0.0, {"DE": 1}), 60)  # long stale
    cache.add(f"api-countries:{key}:lock", 1, 30)  # someone else is recounting

    assert data.country_counts(key) == (0.0, {"DE": 1})


@pytest.mark.parametrize("suffix", ["", "countries/"])
def test_an_unknown_campaign_is_a_404_and_a_malformed_id_a_400_in_the_language_of_the_path(
    client, published, suffix
):
    response, body = get(client, f"/de/api/v1/campaigns/{uuid.uuid4()}/{suffix}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"
    assert body["status"] == 404 and body["title"] == "Not Found"
    assert "in dieser Sprache" in body["detail"]

    response, body = get(client, f"/en-us/api/v1/campaigns/ring/{suffix}")
    assert response.status_code == 400
    assert body["detail"].startswith("This is not a campaign id")


def test_a_campaign_not_published_in_a_language_is_not_found_there(client, published):
    campaign, _german = published

    assert client.get(f"/fr/api/v1/campaigns/{campaign.translation_key}/").status_code == 404


def test_an_unpublished_campaign_disappears(client, published):
    campaign, german = published
    german.unpublish()

    assert client.get(f"/de/api/v1/campaigns/{campaign.translation_key}/").status_code == 404
    assert get(client, "/de/api/v1/campaigns/")[1]["campaigns"] == []
    assert client.get(f"/en-us/api/v1/campaigns/{campaign.translation_key}/").status_code == 200


def test_any_site_may_read_it_without_credentials(client, published):
    response = client.get("/en-us/api/v1/campaigns/", HTTP_ORIGIN="https://partner.example")
    assert response["Access-Control-Allow-Origin"] == "*"
    assert "Access-Control-Allow-Credentials" not in response

    preflight = client.options(
        "/en-us/api/v1/campaigns/",
        HTTP_ORIGIN="https://partner.example",
        HTTP_ACCESS_CONTROL_REQUEST_METHOD="GET",
    )
    assert preflight.status_code == 204
    assert preflight["Access-Control-Allow-Methods"] == "GET, HEAD"


def test_it_takes_no_writes(client, published):
    response = client.post("/en-us/api/v1/campaigns/", HTTP_ORIGIN="https://partner.example")

    assert response.status_code == 405
    assert response["Allow"] == "GET, HEAD, OPTIONS"
    assert response["Content-Type"] == "application/problem+json"


def test_answers_are_cached_like_pages_and_say_so_to_cdns(client, published):
    first = client.get("/en-us/api/v1/campaigns/")
    assert first.page_cache == "miss"
    assert "public" in first["Cache-Control"] and "max-age=" in first["Cache-Control"]

    with CaptureQueriesContext(connection) as queries:
        second = client.get("/en-us/api/v1/campaigns/")
    assert second.page_cache == "hit" and len(queries) == 0
    assert second["Access-Control-Allow-Origin"] == "*"
    assert second.content == first.content


def test_errors_are_not_cached(client, published):
    response = client.get(f"/en-us/api/v1/campaigns/{uuid.uuid4()}/")

    assert response["Cache-Control"] == "private, no-store"


def test_the_count_the_site_own_script_reads_still_answers(client, published):
    campaign, _german = published

    response = client.get(f"/de/api/campaigns/{campaign.translation_key}/count/")

    assert json.loads(response.content) == {"count": 27, "goal": 3000}
