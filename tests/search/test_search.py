"""Site search: the visitor's locale only, live pages only, paginated, localised stemming on PostgreSQL."""

import pytest
from django.core.management import call_command

from tests.builders import build_campaign, build_index, build_site, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def campaigns():
    home = build_site()
    index = build_index(home)
    ring = build_campaign(index, summary="Ring doorbell cameras share footage with police departments.")
    gb_ring = translate(ring, "en-gb", title="Tell Amazon Ring: stop sharing footage with the Met")
    de_ring = translate(
        ring,
        "de",
        title="Amazon Ring: Schluss mit der Weitergabe an die Polizei",
        summary="Ring-Überwachungskameras teilen Aufnahmen mit der Polizei.",
    )
    draft = build_campaign(index, slug="draft", title="Secret draft about Ring")
    draft.unpublish()
    call_command("update_index", verbosity=0)
    return {"ring": ring, "gb": gb_ring, "de": de_ring, "draft": draft}


def result_titles(response):
    return [page.title for page in response.context["search_results"]]


def test_finds_live_pages_of_the_visitors_locale_only(client, campaigns):
    response = client.get("/en-us/search/", {"q": "Ring"})
    assert response.status_code == 200
    assert result_titles(response) == [campaigns["ring"].title]

    response = client.get("/en-gb/search/", {"q": "Ring"})
    assert result_titles(response) == [campaigns["gb"].title]


def test_unpublished_pages_are_never_found(client, campaigns):
    response = client.get("/en-us/search/", {"q": "Secret draft"})
    assert campaigns["draft"].title not in result_titles(response)


def test_query_box_in_header_and_empty_query(client, campaigns):
    response = client.get("/en-us/search/")
    assert response.status_code == 200
    assert 'role="search"' in response.content.decode()
    assert list(response.context["search_results"]) == []


def test_results_are_paginated_and_bad_page_numbers_do_not_fail(client, campaigns):
    index = campaigns["ring"].get_parent()
    for number in range(12):
        build_campaign(index, slug=f"privacy-{number}", title=f"Privacy campaign {number}", summary="Privacy")
    call_command("update_index", verbosity=0)
    first = client.get("/en-us/search/", {"q": "Privacy"})
    assert len(result_titles(first)) == 10
    assert 'rel="next"' in first.content.decode()
    second = client.get("/en-us/search/", {"q": "Privacy", "page": 2})
    assert len(result_titles(second)) >= 2
    assert set(result_titles(first)).isdisjoint(result_titles(second))
    for bad in ("x", "999", "-1"):
        assert client.get("/en-us/search/", {"q": "Privacy", "page": bad}).status_code == 200


def test_query_is_escaped_in_the_page(client, campaigns):
    response = client.get("/en-us/search/", {"q": "<script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)</script>" not in response.content.decode()


@pytest.mark.postgres
def test_postgres_uses_full_text_search_with_the_locales_stemming(client, campaigns):
    from django.db import connection

    assert connection.vendor == "postgresql"
    # German stemming: "Aufnahme" finds the page that says "Aufnahmen" (English stemming would not).
    response = client.get("/de/search/", {"q": "Aufnahme"})
    assert result_titles(response) == [campaigns["de"].title]
    # English stemming: "shares" matches "sharing" in the title.
    response = client.get("/en-us/search/", {"q": "shares footage"})
    assert campaigns["ring"].title in result_titles(response)


@pytest.mark.parametrize(
    "query", ["\x00", "Ring\x00", "\x00\x00 privacy", "\x01\x7f", "a" * 5000, '"', 'say "no', "'\\*:^()-"]
)
def test_hostile_queries_get_a_clear_answer_not_a_server_error(client, campaigns, query):
    """PostgreSQL refuses NUL in text: a query holding one is refused with a message (400), before the
    database sees it. Runs in the SQLite pass and again in the PostgreSQL pass."""
    response = client.get("/en-us/search/", {"q": query})
    if "\x00" in query:
        assert response.status_code == 400
        assert "cannot be searched" in response.content.decode()
        assert list(response.context["search_results"]) == []
    else:
        assert response.status_code == 200


def test_words_are_found_in_any_form_on_every_database(client):
    """Singular finds plural and back, with or without accents: on SQLite (the default, through
    search/migrations/0001_sqlite_stemming.py) and on PostgreSQL (each language's stemming)."""
    index = build_index(build_site())
    cameras = build_campaign(
        index, slug="cameras", title="Doorbells", summary="Doorbell cameras film the street."
    )
    camera = build_campaign(
        index, slug="camera", title="One lens", summary="A single camera on every corner."
    )
    translate(index, "fr")
    fr_cameras = translate(cameras, "fr", title="Sonnettes", summary="Les caméras filment la rue.")
    fr_camera = translate(camera, "fr", title="Un objectif", summary="Une caméra à chaque coin de rue.")
    call_command("update_index", verbosity=0)

    assert set(result_titles(client.get("/en-us/search/", {"q": "camera"}))) == {cameras.title, camera.title}
    assert set(result_titles(client.get("/en-us/search/", {"q": "cameras"}))) == {cameras.title, camera.title}
    for query in ("caméra", "caméras"):
        found = set(result_titles(client.get("/fr/search/", {"q": query})))
        assert found == {fr_cameras.title, fr_camera.title}, query
