"""Social proof and urgency: counts and goals on campaign cards, the closing date, the latest signers."""

import io
import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.formats import date_format

from campaigns import privacy, social_proof
from campaigns.models.counter import reconcile_counts, signature_count
from campaigns.models.signature import Signature
from home.demo.signatures import load_demo_signatures
from serving import generation, pagecache, site_structure
from tests.builders import (
    build_campaign,
    build_index,
    build_signature,
    build_site,
    log_in,
    set_count,
    translate,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    return build_site()


@pytest.fixture
def index(home):
    return build_index(home)


def html(response):
    assert response.status_code == 200
    return response.content.decode()


def card_counts(response):
    """What each card says about its count, as a reader (or a screen reader) gets it."""
    soup = BeautifulSoup(html(response), "html.parser")
    return [" ".join(p.get_text().split()) for p in soup.select(".card__count-text")]


# Cards


def test_cards_show_each_campaigns_count_and_goal_in_words(client, index):
    ring = build_campaign(index, signature_goal=50000)
    faces = build_campaign(index, title="Ban face surveillance", slug="faces", signature_goal=2500)
    set_count(ring, 1234)
    set_count(faces, 1)

    response = client.get("/en-us/campaigns/")
    assert card_counts(response) == ["1 signature · Goal: 2,500", "1,234 signatures · Goal: 50,000"]
    # The bar only repeats the words: screen readers read the words.
    assert '<progress class="card__progress" max="50000" value="1234" aria-hidden="true">' in html(response)
    # The home page: the newest campaign featured, the other below it.
    assert card_counts(client.get("/en-us/")) == [
        "1 signature · Goal: 2,500",
        "1,234 signatures · Goal: 50,000",
    ]


def test_card_numbers_are_written_the_way_the_language_writes_them(client, index):
    ring = build_campaign(index, signature_goal=50000)
    translate(index, "de")
    translate(ring, "de", title="Amazon Ring: Schluss damit")
    set_count(ring, 1234)

    assert card_counts(client.get("/de/campaigns/")) == ["1.234 Unterschriften · Ziel: 50.000"]


def shapes(queries):
    """The statements run, without the values they name (lists of keys, the time)."""
    return [re.sub(r"IN \([^)]*\)|'[^']*'", "…", query["sql"]) for query in queries.captured_queries]


def cold_get(client, url):
    """A request with nothing remembered (no cached page, no site structure), as after a publish."""
    cache.clear()
    generation._known = None
    pagecache._local.clear()
    site_structure._current = None
    return client.get(url)


def test_a_list_of_many_campaigns_reads_their_counts_in_one_query(client, index):
    """Ten cards cost the same queries as two: the counts are one grouped sum, not a query per card."""
    for n in range(2):
        set_count(build_campaign(index, title=f"Campaign {n}", slug=f"campaign-{n}"), 100 + n)
    # Once uncounted: the first request in a process also fills Django's content-type cache, whatever the cards.
    cold_get(client, "/en-us/campaigns/")
    with CaptureQueriesContext(connection) as two:
        html(cold_get(client, "/en-us/campaigns/"))
    for n in range(2, 10):
        set_count(build_campaign(index, title=f"Campaign {n}", slug=f"campaign-{n}"), 100 + n)
    with CaptureQueriesContext(connection) as ten:
        response = cold_get(client, "/en-us/campaigns/")
    assert "109 signatures · Goal: 10,000" in card_counts(response)
    assert shapes(ten) == shapes(two)
    counter_reads = [q for q in ten.captured_queries if "campaigns_signaturecounter" in q["sql"]]
    assert len(counter_reads) == 1


def test_with_counts_is_one_query_whatever_the_number_of_campaigns(index, django_assert_num_queries):
    campaigns = [build_campaign(index, title=f"Campaign {n}", slug=f"c-{n}") for n in range(6)]
    set_count(campaigns[3], 42)
    with django_assert_num_queries(1):
        social_proof.with_counts(campaigns)
    assert [c.card_count for c in campaigns] == [0, 0, 0, 42, 0, 0]
    assert campaigns[3].card_goal == 10000


def test_a_card_shows_the_goal_as_it_stepped_up(client, index):
    campaign = build_campaign(index, signature_goal=1000, goal_steps_up=True)
    set_count(campaign, 950)
    assert card_counts(client.get("/en-us/campaigns/")) == ["950 signatures · Goal: 2,500"]
    campaign.refresh_from_db()
    assert campaign.signature_goal == 1000  # the editor's goal is untouched


# The closing date


def test_an_open_campaign_says_when_it_closes(client, index):
    closes = timezone.now() + timedelta(days=3)
    build_campaign(index, closing_date=closes)
    page = " ".join(html(client.get("/en-us/campaigns/amazon-ring/")).split())
    assert (
        f'<strong>Closes in 3 days</strong> — <time datetime="{timezone.localtime(closes).isoformat()}"'
        in page
    )
    assert date_format(timezone.localtime(closes), "DATE_FORMAT") in page  # as the site writes dates


@pytest.mark.parametrize(
    ("days", "notice"), [(0, "Closes today"), (1, "Closes tomorrow"), (2, "Closes in 2 days")]
)
def test_the_closing_notice_counts_calendar_days(index, days, notice):
    # Tomorrow at nine, so that "today at eleven" is still ahead whenever the test runs (after 23:00 it was not,
    # and the campaign was closed).
    now = (timezone.localtime() + timedelta(days=1)).replace(hour=9, minute=0)
    campaign = build_campaign(index, closing_date=now.replace(hour=23) + timedelta(days=days))
    assert social_proof.closing_notice(campaign, now=now) == notice


def test_the_closing_notice_is_in_the_pages_language(client, index):
    # Noon five calendar days ahead: "now + 5 days + 1 hour" was six calendar days after 23:00.
    ring = build_campaign(index, closing_date=timezone.localtime().replace(hour=12) + timedelta(days=5))
    translate(index, "fr")
    translate(ring, "fr", slug="amazon-ring")
    page = html(client.get("/fr/campaigns/amazon-ring/"))
    assert "Clôture dans 5 jours" in page


def test_no_closing_notice_without_a_date_or_once_closed(client, index):
    build_campaign(index)
    build_campaign(index, slug="closed", closed=True, closing_date=timezone.now() + timedelta(days=3))
    assert "campaign-closing" not in html(client.get("/en-us/campaigns/amazon-ring/"))
    assert "campaign-closing" not in html(client.get("/en-us/campaigns/closed/"))


# The latest signers


def latest(client, campaign, language="en-us"):
    return client.get(f"/{language}/api/campaigns/{campaign.translation_key}/latest-signers/")


@pytest.fixture
def showing(index):
    return build_campaign(index, show_latest_signers=True)


def test_an_editor_finds_the_choice_on_the_petition_tab_with_what_it_shows(client, index):
    campaign = build_campaign(index)
    log_in(client, "Editors")
    page = html(client.get(f"/admin/pages/{campaign.pk}/edit/"))
    petition_tab = page[page.index('id="tab-petition"') : page.index('id="tab-promote"')]
    assert 'name="show_latest_signers"' in petition_tab
    assert "by first name and country only" in petition_tab
    assert "Never their last name, email, postal code or comment." in petition_tab


def test_latest_signers_are_off_by_default(client, index):
    campaign = build_campaign(index)
    build_signature(campaign, first_name="Ada")
    assert campaign.show_latest_signers is False
    assert latest(client, campaign).status_code == 404
    assert "data-latest-signers" not in html(client.get("/en-us/campaigns/amazon-ring/"))


def test_latest_signers_give_first_name_and_country_only(client, showing):
    build_signature(
        showing,
        first_name="Ada",
        last_name="Lovelace",
        email="ada.lovelace@example.org",
        country="GB",
        postal_code="N1 9GU",
        comment="Stop it now",
    )
    response = latest(client, showing)
    assert response.status_code == 200
    assert response.json() == {
        "signers": [
            {"first_name": "Ada", "country": "United Kingdom", "text": "Ada from United Kingdom signed"}
        ]
    }
    body = response.content.decode()
    for private in ("Lovelace", "ada.lovelace", "N1 9GU", "Stop it now"):
        assert private not in body
    # The page itself (cached, shared) carries the endpoint, never a name.
    page = html(client.get("/en-us/campaigns/amazon-ring/"))
    assert "data-latest-signers=" in page
    assert "Ada" not in page and "Lovelace" not in page


def test_only_the_five_latest_counted_signers_newest_first(client, showing):
    now = timezone.now()
    for n, name in enumerate(["Ann", "Ben", "Cat", "Dan", "Eve", "Fay"]):
        build_signature(showing, first_name=name, submit_time=now - timedelta(minutes=10 - n))
    build_signature(showing, first_name="Unconfirmed", counted=False, submit_time=now)
    names = [s["first_name"] for s in latest(client, showing).json()["signers"]]
    assert names == ["Fay", "Eve", "Dan", "Cat", "Ben"]


def test_erased_and_anonymised_signers_never_appear(client, showing, django_capture_on_commit_callbacks):
    build_signature(showing, first_name="Ada", email="ada@example.org")
    build_signature(showing, first_name="Bob", email="bob@example.org")
    assert {s["first_name"] for s in latest(client, showing).json()["signers"]} == {"Ada", "Bob"}

    # Just read (and remembered for a second): forgetting Ada takes her off at once all the same.
    with django_capture_on_commit_callbacks(execute=True):  # its events follow the commit, as in production
        assert privacy.forget_person("ada@example.org") == 1
    assert [s["first_name"] for s in latest(client, showing).json()["signers"]] == ["Bob"]

    with django_capture_on_commit_callbacks(execute=True):
        privacy.anonymise_signatures(Signature.objects.filter(campaign_key=showing.translation_key))
    assert latest(client, showing).json() == {"signers": []}


def test_latest_signers_in_the_pages_language(client, showing):
    translate(showing.get_parent().specific, "fr")
    translate(showing, "fr")
    build_signature(showing, first_name="Ada", country="DE")
    assert latest(client, showing, "fr").json()["signers"][0]["text"] == "Ada (Allemagne) a signé"


# Demo signatures


def test_demo_signatures_are_counted_marked_and_removed_by_one_command(index):
    ring = build_campaign(index)
    translate(index, "de")
    translate(ring, "de")
    real = build_signature(ring, first_name="Real")

    added = load_demo_signatures({"amazon-ring": ring})
    assert added == {"amazon-ring": 1120}
    demo = Signature.objects.filter(is_demo=True)
    assert demo.count() == 1120
    assert set(demo.values_list("locale", flat=True)) == {"en-us", "de"}  # the languages it is published in
    assert demo.values("country").distinct().count() > 3
    times = demo.order_by("submit_time").values_list("submit_time", flat=True)
    assert times.last() - times.first() > timedelta(days=30)  # spread over weeks, not one second
    assert not demo.filter(email__endswith="@example.com").exists()
    # The stored count agrees with the rows.
    out = io.StringIO()
    call_command("reconcile_counts", stdout=out)
    assert "All counts match their signatures." in out.getvalue()
    assert signature_count(ring.translation_key) == 1121

    out = io.StringIO()
    call_command("remove_demo_signatures", stdout=out)
    assert "Deleted 1120 demo signature(s) from 1 campaign(s)" in out.getvalue()
    assert list(Signature.objects.all()) == [real]
    assert signature_count(ring.translation_key) == 1
    assert reconcile_counts() == {}


def test_removing_demo_signatures_drops_them_from_the_latest_signers(client, showing):
    load_demo_signatures({"face-surveillance": showing})
    assert len(latest(client, showing).json()["signers"]) == 5
    call_command("remove_demo_signatures", stdout=io.StringIO())
    assert latest(client, showing).json() == {"signers": []}
