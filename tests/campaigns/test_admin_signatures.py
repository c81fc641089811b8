"""The Signatures area: listing, search, filters, streaming exports, summaries, Wagtail's submissions."""

import csv
import io
from datetime import UTC, date, datetime
from unittest import mock

import openpyxl
import pytest
from bs4 import BeautifulSoup
from django.db.models.query import QuerySet
from django.http import StreamingHttpResponse
from django.urls import reverse
from django.utils import timezone

from campaigns.models.counter import signature_count
from campaigns.models.pages import CampaignFormField
from campaigns.models.signature import Signature
from campaigns.reports import campaign_summary, daily_chart
from tests.builders import build_campaign, build_index, build_signature, build_site, translate

pytestmark = pytest.mark.django_db

LISTING = "/admin/campaigns/signature/"


@pytest.fixture
def campaigns():
    """The Ring campaign in en-US and en-GB (with an extra question) and a second campaign."""
    index = build_index(build_site())
    ring = build_campaign(index)
    CampaignFormField.objects.create(
        page=ring, locale=ring.locale, label="Do you own a Ring camera?", field_type="singleline"
    )
    ring_uk = translate(ring, "en-gb")
    faces = build_campaign(index, title="Stop face recognition in shops", slug="faces")
    return ring, ring_uk, faces


@pytest.fixture
def signatures(campaigns):
    ring, ring_uk, faces = campaigns
    return {
        "ada": build_signature(
            ring,
            first_name="Ada",
            last_name="Lovelace",
            email="ada@example.org",
            country="US",
            newsletter_opt_in=True,
            confirmed_at=datetime(2026, 3, 2, 10, tzinfo=UTC),
            submit_time=datetime(2026, 3, 1, 9, tzinfo=UTC),
            form_data={"do_you_own_a_ring_camera": "Yes, sadly", "retired_question": ["a", "b"]},
            source={"utm_source": "newsletter", "referrer": "news.example"},
        ),
        "grace": build_signature(
            ring_uk,
            first_name="Grace",
            last_name="Hopper",
            email="grace@example.org",
            country="GB",
            submit_time=datetime(2026, 3, 3, 9, tzinfo=UTC),
        ),
        "alan": build_signature(
            faces,
            first_name="Alan",
            last_name="Turing",
            email="alan@example.org",
            country="DE",
            counted=False,
            submit_time=datetime(2026, 4, 1, 9, tzinfo=UTC),
        ),
    }


def listed(response):
    assert response.status_code == 200
    return {signature.email for signature in response.context["object_list"]}


def test_listing_shows_every_campaigns_signatures(admin_client, signatures):
    response = admin_client.get(LISTING)
    assert listed(response) == {"ada@example.org", "grace@example.org", "alan@example.org"}
    content = response.content.decode()
    assert "Tell Amazon Ring" in content and "Stop face recognition in shops" in content
    assert "Ada Lovelace" in content
    # Confirmed and newsletter read as words, not as icons from an admin that is not installed.
    assert ">Yes<" in content and ">No<" in content
    assert "icon-yes" not in content and "icon-no" not in content


@pytest.mark.parametrize(
    "query, expected",
    [
        ("ADA@example", {"ada@example.org"}),
        ("hopper", {"grace@example.org"}),
        ("Alan", {"alan@example.org"}),
    ],
)
def test_search_by_email_and_name(admin_client, signatures, query, expected):
    assert listed(admin_client.get(LISTING, {"q": query})) == expected


def test_filters(admin_client, signatures, campaigns):
    ring, _, faces = campaigns
    assert listed(admin_client.get(LISTING, {"campaign": str(ring.translation_key)})) == {
        "ada@example.org",
        "grace@example.org",
    }
    assert listed(admin_client.get(LISTING, {"locale": "en-gb"})) == {"grace@example.org"}
    assert listed(admin_client.get(LISTING, {"country": "DE"})) == {"alan@example.org"}
    assert listed(admin_client.get(LISTING, {"confirmed": "yes"})) == {"ada@example.org"}
    assert listed(admin_client.get(LISTING, {"confirmed": "no"})) == {"grace@example.org", "alan@example.org"}
    assert listed(admin_client.get(LISTING, {"newsletter_opt_in__exact": "1"})) == {"ada@example.org"}
    april = {"submit_time__gte": "2026-04-01 00:00+00:00", "submit_time__lt": "2026-05-01 00:00+00:00"}
    assert listed(admin_client.get(LISTING, april)) == {"alan@example.org"}


def test_signatures_cannot_be_added_edited_or_deleted_one_by_one(admin_client, signatures):
    pk = signatures["ada"].pk
    # Wagtail answers a refused admin view with a redirect to the dashboard and a message.
    for response in (
        admin_client.get(f"{LISTING}create/"),
        admin_client.get(f"{LISTING}edit/{pk}/"),
        admin_client.post(f"{LISTING}delete/{pk}/"),
    ):
        assert (response.status_code, response.get("Location")) == (302, "/admin/")
    assert Signature.objects.filter(pk=pk).exists()
    inspect = admin_client.get(f"{LISTING}inspect/{pk}/")
    assert inspect.status_code == 200
    assert "We will keep you updated" in inspect.content.decode()
    shown = " ".join(BeautifulSoup(inspect.content, "html.parser").get_text(" ").split())
    assert "language English (US)" in shown and "en-us" not in shown  # by name, as everywhere in the admin


def read_csv(response):
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    return list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_csv_export_streams_every_listed_row_with_extra_answers(admin_client, signatures):
    with mock.patch.object(QuerySet, "iterator", autospec=True, side_effect=QuerySet.iterator) as iterator:
        response = admin_client.get(LISTING, {"export": "csv"})
        rows = read_csv(response)
    assert iterator.call_args.kwargs["chunk_size"] > 0  # read in chunks, never cached whole
    assert iterator.call_args.args[0]._iterable_class.__name__ == "ValuesListIterable"
    assert [row["Email"] for row in rows] == ["alan@example.org", "grace@example.org", "ada@example.org"]
    ada = rows[-1]
    assert ada["First name"] == "Ada" and ada["Last name"] == "Lovelace"
    assert ada["Campaign"] == "Tell Amazon Ring: stop sharing footage with police"
    assert ada["Language"] == "en-us" and ada["Country"] == "US"
    assert ada["Newsletter"] == "yes" and ada["Counted"] == "yes"
    assert ada["Signed at"] == "2026-03-01T09:00:00+00:00"
    assert ada["Confirmed at"] == "2026-03-02T10:00:00+00:00"
    assert ada["Do you own a Ring camera?"] == "Yes, sadly"
    assert ada["Other answers"] == "retired_question=a, b"
    assert ada["Source"] == "referrer=news.example; utm_source=newsletter"
    assert rows[0]["Counted"] == "no" and rows[0]["Confirmed at"] == ""


def test_csv_export_respects_filters_and_search(admin_client, signatures, campaigns):
    ring = campaigns[0]
    rows = read_csv(admin_client.get(LISTING, {"campaign": str(ring.translation_key), "export": "csv"}))
    assert {row["Email"] for row in rows} == {"ada@example.org", "grace@example.org"}
    rows = read_csv(admin_client.get(LISTING, {"q": "turing", "export": "csv"}))
    assert [row["Email"] for row in rows] == ["alan@example.org"]
    assert "Do you own a Ring camera?" not in rows[0]  # only the exported campaigns' questions


def test_xlsx_export_opens_with_the_rows(admin_client, signatures):
    response = admin_client.get(LISTING, {"export": "xlsx", "country": "US"})
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="signatures-')
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    header, *rows = workbook.active.iter_rows(values_only=True)
    assert len(rows) == 1
    ada = dict(zip(header, rows[0], strict=True))
    assert ada["Email"] == "ada@example.org"
    assert ada["Signed at"] == datetime(2026, 3, 1, 9)
    assert ada["Newsletter"] is True
    assert ada["Do you own a Ring camera?"] == "Yes, sadly"


def test_exports_are_named_after_the_campaign_and_the_day(admin_client, signatures, campaigns):
    """Two campaigns' downloads of the same day must not both be "signatures-<date>.csv" in a Downloads folder."""
    faces = campaigns[2]
    today = f"{timezone.localdate():%Y-%m-%d}"
    one = admin_client.get(LISTING, {"campaign": str(faces.translation_key), "export": "xlsx"})
    assert one["Content-Disposition"] == f'attachment; filename="signatures-faces-{today}.xlsx"'
    every = admin_client.get(LISTING, {"export": "csv"})
    assert every["Content-Disposition"] == f'attachment; filename="signatures-all-{today}.csv"'


def test_listing_links_to_exports_summaries_and_forget(admin_client, signatures):
    content = admin_client.get(LISTING, {"country": "US"}).content.decode()
    assert "?country=US&amp;export=csv" in content
    assert reverse("campaigns_signature_summaries") in content
    assert reverse("campaigns_signature_forget") in content


def test_summary_numbers(admin_client, signatures, campaigns):
    ring, ring_uk, _ = campaigns
    build_signature(ring_uk, country="GB", counted=False, submit_time=datetime(2026, 3, 3, 20, tzinfo=UTC))
    summary = campaign_summary(ring.translation_key)
    assert (summary.total, summary.confirmed, summary.counted, summary.public_count) == (3, 1, 2, 2)
    assert summary.newsletter == 1
    assert summary.per_locale == [("en-gb", "English (UK)", 2), ("en-us", "English (US)", 1)]
    assert summary.per_country == [("GB", "United Kingdom", 2), ("US", "United States of America", 1)]
    assert summary.per_day == [(date(2026, 3, 1), 1), (date(2026, 3, 2), 0), (date(2026, 3, 3), 2)]


def test_summary_page_draws_the_chart_without_script(admin_client, signatures, campaigns):
    ring_uk = campaigns[1]
    response = admin_client.get(reverse("campaigns_signature_summary", args=[ring_uk.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert 'data-summary="total">2<' in content  # both variants of the campaign
    assert 'role="img"' in content and 'aria-labelledby="signature-chart-title' in content
    chart = content.index('class="signature-chart"')
    svg = content[chart : content.index("</figure>", chart)]
    assert svg.count("<rect") == 3  # 1, 2 and 3 March
    assert "<script" not in svg
    assert 'data-day="2026-03-02"' in content


def test_chart_scales_bars_to_round_ticks():
    chart = daily_chart([(date(2026, 1, 1), 37), (date(2026, 1, 2), 0), (date(2026, 1, 3), 10)])
    assert [value for value, _ in chart.y_ticks] == [0, 10, 20, 30, 40]
    tallest = max(chart.bars, key=lambda bar: bar.height)
    assert tallest.count == 37
    assert tallest.height == pytest.approx((chart.plot_bottom - chart.plot_top) * 37 / 40, abs=0.01)
    assert chart.bars[1].height == 0


def test_summary_index_lists_campaigns_with_their_counts(admin_client, signatures, campaigns):
    ring, _, faces = campaigns
    response = admin_client.get(reverse("campaigns_signature_summaries"))
    content = response.content.decode()
    assert reverse("campaigns_signature_summary", args=[ring.pk]) in content
    assert reverse("campaigns_signature_summary", args=[faces.pk]) in content


def test_campaign_pages_link_to_their_summary(admin_client, campaigns):
    ring = campaigns[0]
    response = admin_client.get(reverse("wagtailadmin_explore", args=[ring.get_parent().pk]))
    assert reverse("campaigns_signature_summary", args=[ring.pk]) in response.content.decode()


def test_wagtails_own_submission_listing_still_works(admin_client, signatures, campaigns):
    ring = campaigns[0]
    response = admin_client.get(reverse("wagtailforms:list_submissions", args=[ring.pk]))
    assert response.status_code == 200
    export = admin_client.get(reverse("wagtailforms:list_submissions", args=[ring.pk]), {"export": "csv"})
    assert export.status_code == 200


def test_deleting_through_wagtails_submissions_keeps_the_count_right(admin_client, signatures, campaigns):
    ring = campaigns[0]
    assert signature_count(ring.translation_key) == 2
    url = reverse("wagtailforms:delete_submissions", args=[ring.pk])
    response = admin_client.post(f"{url}?selected-submissions={signatures['ada'].pk}")
    assert response.status_code == 302
    assert not Signature.objects.filter(pk=signatures["ada"].pk).exists()
    assert signature_count(ring.translation_key) == 1


HOSTILE_PARAMETERS = [
    {"q": "\x00"},
    {"q": "ada\x00"},
    {"campaign": "not-a-uuid"},
    {"campaign": "\x00"},
    {"locale": "\x00"},
    {"country": "\x00"},
    {"country": "XX"},
    {"confirmed": "\x00"},
    {"newsletter_opt_in__exact": "maybe"},
    {"submit_time__gte": "garbage"},
    {"submit_time__lt": "\x00"},
    {"o": "\x00"},
    {"p": "\x00"},
    {"no_such_field": "1"},
]


@pytest.mark.parametrize("params", HOSTILE_PARAMETERS, ids=lambda params: repr(params))
@pytest.mark.parametrize("export", [None, "csv", "xlsx"])
def test_hostile_filters_get_a_clear_answer_not_a_server_error(admin_client, signatures, params, export):
    """A bad filter or search never answers 500, on SQLite or PostgreSQL (which refuses NUL in text). The
    listing drops what it cannot use and says so; an export never quietly widens to rows not asked for."""
    query = dict(params, **({"export": export} if export else {}))
    response = admin_client.get(LISTING, query, follow=True)
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        assert response.redirect_chain  # to the listing without the bad filter, never an export
        (message,) = [str(m) for m in response.context["messages"]]
        assert "could not be used" in message
        assert listed(response) == {"ada@example.org", "grace@example.org", "alan@example.org"}


def test_a_bad_filter_beside_good_ones_keeps_the_good_ones(admin_client, signatures):
    response = admin_client.get(LISTING, {"country": "US", "campaign": "not-a-uuid"}, follow=True)
    assert listed(response) == {"ada@example.org"}


@pytest.mark.parametrize(
    "path, params",
    [
        ("/admin/campaigns/signature/inspect/abc/", {}),
        ("/admin/campaigns/signature/inspect/99999999999999999999999/", {}),
        ("/admin/campaigns/signature/summary/99999999999999999999999/", {}),
        ("/admin/forms/submissions/{ring}/delete/", {"selected-submissions": "abc"}),
        ("/admin/forms/submissions/{ring}/delete/", {"selected-submissions": "\x00"}),
        ("/admin/forms/submissions/{ring}/", {"date_from": "garbage"}),
        ("/admin/forms/submissions/{ring}/", {"date_from": "\x00", "export": "csv"}),
    ],
)
def test_hostile_addresses_get_a_clear_answer_not_a_server_error(
    admin_client, signatures, campaigns, path, params
):
    response = admin_client.get(path.format(ring=campaigns[0].pk), params)
    assert response.status_code in (200, 302, 404)


def test_the_summary_says_where_people_signed(admin_client, campaigns):
    ring = campaigns[0]
    build_signature(ring, source={"utm_source": "newsletter"})
    build_signature(ring, source={"utm_source": "newsletter", "partner": "Privacy Alliance", "partner_id": 1})
    build_signature(ring, source={"partner": "Privacy Alliance", "partner_id": 1})
    build_signature(ring, source={})

    summary = campaign_summary(ring.translation_key)

    assert summary.per_origin == [("", 2), ("Privacy Alliance", 2)]  # the site itself, then each partner
    assert summary.per_utm_source == [("", 2), ("newsletter", 2)]
    content = admin_client.get(reverse("campaigns_signature_summary", args=[ring.pk])).content.decode()
    assert "Privacy Alliance’s site (embedded petition)" in content and "This site" in content
    assert 'data-utm-source="newsletter"' in content
