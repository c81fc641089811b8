"""A petition's target reads on its page, and a journalist's script in the API, how many signatures were removed
from the count and why, in their language: counts only, never who."""

import json

import pytest
from django.core.cache import cache
from django.utils import timezone
from wagtail.models import Locale

from campaigns import privacy
from campaigns.models.signature import Signature
from integrity import invalidation as runs
from integrity import report
from ops import process_memory
from tests.builders import build_campaign, build_index, build_signature, build_site, translate

pytestmark = pytest.mark.django_db


@pytest.fixture
def policed(db, django_capture_on_commit_callbacks):
    """A campaign in English, German and French with 5 counted signatures, and removed: 2 held by a rule, 3
    invalidated, 1 deleted unconfirmed, 1 erased on request."""
    home = build_site()
    campaign = build_campaign(build_index(home))
    for language in ("de", "fr"):
        translate(home, language)
        translate(campaign, language, title=f"Ring ({language})")
    for n in range(5):
        build_signature(campaign, email=f"person{n}@example.org")
    for n in range(2):
        build_signature(
            campaign,
            email=f"held{n}@example.net",
            counted=False,
            confirmation_key=None,
            flagged_at=timezone.now(),
            flag_reasons=[{"rule": "network_rate", "reason": "too many"}],
        )
    for n in range(3):
        build_signature(campaign, email=f"bot{n}@botfarm.example")
    invalidation = runs.preview(
        {"campaign": str(campaign.translation_key), "email_domain": "botfarm.example"}, "bots", None
    )
    with django_capture_on_commit_callbacks(execute=True):
        runs.run(invalidation, None)
    build_signature(
        campaign, email="never@example.org", counted=False, submit_time=timezone.now().replace(year=2020)
    )
    assert privacy.delete_unconfirmed() == 1
    build_signature(campaign, email="forget.me@example.org")
    assert privacy.forget_person("forget.me@example.org") == 1
    return campaign


def url(campaign, language):
    return campaign.get_translation(Locale.objects.get(language_code=language)).url


def test_the_report_counts_each_kind_of_removal(policed):
    removals = report.removals_of(policed.translation_key)

    assert (removals.flagged, removals.invalidated, removals.unconfirmed, removals.erased) == (2, 3, 1, 1)
    assert removals.total == 7


@pytest.mark.parametrize(
    ("language", "sentence", "reasons"),
    [
        (
            "de",
            "7 Unterschriften wurden entfernt:",
            [
                "2 von einer Integritätsregel markiert",
                "3 nach Prüfung ungültig gemacht",
                "1 nie per E-Mail bestätigt",
            ],
        ),
        (
            "fr",
            "7 signatures ont été retirées :",
            [
                "2 signalées par une règle d’intégrité",
                "3 invalidées après vérification",
                "1 jamais confirmées",
            ],
        ),
    ],
)
def test_the_campaign_page_says_how_many_were_removed_and_why_in_its_language(
    client, policed, language, sentence, reasons
):
    page = client.get(url(policed, language)).content.decode()
    text = " ".join(page.split())

    assert sentence in text
    assert all(reason in text for reason in reasons)
    assert f'href="/{language}/integrity/"' in page
    assert "botfarm" not in page and "held0" not in page
    explanation = client.get(f"/{language}/integrity/")
    assert explanation.status_code == 200 and explanation["Content-Language"] == language


def test_the_cached_page_shows_a_new_run_once_its_copy_expires(client, policed, settings):
    """The line is rendered with the count: a run is seen when the count is (serving.pagecache.FRESH)."""
    before = client.get(url(policed, "de")).content.decode()
    Signature.objects.filter(email="person0@example.org").update(
        invalidated_at=timezone.now(), counted=False, invalidation_run=99
    )
    cache.clear()
    process_memory.forget_all()  # as when the cached copy is past FRESH seconds

    after = " ".join(client.get(url(policed, "de")).content.decode().split())

    assert "7 Unterschriften wurden entfernt" in " ".join(before.split())
    assert "8 Unterschriften wurden entfernt" in after and "4 nach Prüfung ungültig gemacht" in after


@pytest.mark.parametrize(
    ("language", "label"),
    [("de", "nach Prüfung ungültig gemacht"), ("fr", "invalidées après vérification")],
)
def test_the_api_gives_the_removals_with_each_campaign_in_its_language(client, policed, language, label):
    key = policed.translation_key
    one = json.loads(client.get(f"/{language}/api/v1/campaigns/{key}/").content)
    [listed] = json.loads(client.get(f"/{language}/api/v1/campaigns/").content)["campaigns"]

    assert one["removed_signatures"] == listed["removed_signatures"]
    removed = one["removed_signatures"]
    assert removed["total"] == 7
    assert {r["reason"]: r["count"] for r in removed["reasons"]} == {
        "flagged": 2,
        "invalidated": 3,
        "unconfirmed": 1,
        "erased": 1,
    }
    assert {r["reason"]: r["label"] for r in removed["reasons"]}["invalidated"] == label
    assert removed["explanation"].endswith(f"/{language}/integrity/")
    assert one["total_signatures"] == 5
