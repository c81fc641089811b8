"""The public API as a partner's web page or a journalist's script reads it: what each address answers, in
which language, how it may be cached and read from other sites, and what a wrong address gets."""

import json
import uuid
from datetime import UTC, datetime

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api import data
from campaigns.models.signature import Signature
from tests.builders import build_campaign, build_index, build_signature, build_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaign_with_no_countries(db):
    """A published campaign whose 30 counted signatures name no country."""
    campaign = build_campaign(build_index(build_site()))
    for _ in range(30):
        build_signature(campaign, country="")
    return campaign


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


def test_counts_by_country_show_no_small_group_and_no_exact_figure(client, published):
    campaign, _german = published

    response, body = get(client, f"/de/api/v1/campaigns/{campaign.translation_key}/countries/")

    assert response.status_code == 200
    assert body["minimum"] == 10
    # Germany's 12 and the UK's 10 show as 10, or not yet (each country's steps lie where only the site knows);
    # France's 3 and the 2 naming no country never stand alone.
    assert {row["code"] for row in body["countries"]} <= {"DE", "GB"}
    assert all(row["count"] == 10 for row in body["countries"])
    assert {row["name"] for row in body["countries"]} <= {"Deutschland", "Vereinigtes Königreich"}
    assert body["total"] == 27  # the count itself, not the sum of the figures shown
    assert body["other"] == 27 - sum(row["count"] for row in body["countries"])


def test_the_minimum_is_a_setting(client, published, settings):
    campaign, _german = published
    settings.PUBLIC_COUNTRY_MINIMUM = 3

    _response, body = get(client, f"/en-us/api/v1/campaigns/{campaign.translation_key}/countries/")

    figures = {row["code"]: row["count"] for row in body["countries"]}
    assert figures["DE"] in (12, 9) and figures["GB"] in (9, 6)  # multiples of 3, at most 2 below the count
    assert figures.get("FR", 3) == 3
    assert body["other"] == 27 - sum(figures.values())


def secret_where(campaign_key, code, offset, minimum=10):
    """A SECRET_KEY under which `code`'s secret offset in the campaign is `offset`: one of the secrets a site
    might have, as far as anyone outside can tell."""
    from django.test import override_settings

    for n in range(10_000):
        secret = f"a secret the site might have {n}"
        with override_settings(SECRET_KEY=secret):
            if data.country_offset(campaign_key, code, minimum) == offset:
                return secret
    raise AssertionError("no such secret among the first 10,000")


def test_adding_signatures_to_a_rare_country_tells_nobody_whether_someone_real_signed_there(
    client, settings, campaign_with_no_countries
):
    """Someone adds signatures from Iceland one at a time, up to twice the minimum, and reads the counts by
    country after each recount. Whatever they see where one real person in Iceland signed, they would see
    exactly the same where nobody there had (that person signed naming no country), under another secret of
    the site: so they cannot tell which it was. Only the secret placing Iceland's first step at its lowest
    (1 in `minimum`) lets Iceland appear after minimum - 1 added signatures, as SECURITY.md says."""
    campaign = campaign_with_no_countries
    key = campaign.translation_key
    url = f"/en-us/api/v1/campaigns/{key}/countries/"

    def what_they_see(real_signer_country):
        real = build_signature(campaign, country=real_signer_country)
        added, seen = [], []
        for n in range(2 * 10 + 1):
            if n:
                added.append(build_signature(campaign, country="IS"))
            cache.delete(f"api-countries:{key}")  # a recount, as every minute
            body = get(client, f"{url}?after={n}")[1]  # a query string: past the page cache, into the view
            seen.append((body["countries"], body["other"], body["total"]))
        Signature.objects.filter(pk__in=[real.pk, *(signature.pk for signature in added)]).delete()
        return seen

    for offset in range(1, 10):
        settings.SECRET_KEY = secret_where(key, "IS", offset)
        with_one = what_they_see("IS")
        settings.SECRET_KEY = secret_where(key, "IS", offset - 1)
        with_none = what_they_see("")
        assert with_one == with_none, offset
        assert [countries for countries, _other, _total in with_one][9] == []  # nine added: Iceland not shown


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
    assert counted == [] and body["total"] == 28  # the copy from a moment ago, beside the count now

    clock[0] += data.COUNTRIES_FRESH
    body, counted = group_bys(url + "?later=1")
    assert len(counted) == 1


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
