"""The streaming XLSX writer (campaigns/admin/xlsx.py): what spreadsheet programs read back."""

import io
import warnings
from datetime import datetime

import openpyxl

from campaigns.admin import xlsx


def read(chunks):
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # openpyxl warns about a malformed package: fail on it
        return openpyxl.load_workbook(io.BytesIO(b"".join(chunks)))


def test_values_come_back_as_the_types_they_were():
    headings = ["Name", "Signed at", "Newsletter", "ID", "Empty"]
    rows = [
        ["Zoë O'Brien <&>", datetime(2026, 3, 1, 9, 30, 15), True, 7, None],
        ["日本語 · العربية · 🙂", datetime(2026, 12, 31, 23, 59, 59), False, 12345678901, ""],
    ]

    sheet = read(xlsx.stream("Signatures", headings, rows)).active

    assert sheet.title == "Signatures"
    assert list(sheet.iter_rows(values_only=True)) == [
        ("Name", "Signed at", "Newsletter", "ID", "Empty"),
        ("Zoë O'Brien <&>", datetime(2026, 3, 1, 9, 30, 15), True, 7, None),
        ("日本語 · العربية · 🙂", datetime(2026, 12, 31, 23, 59, 59), False, 12345678901, None),
    ]
    assert sheet["B2"].number_format == "yyyy-mm-dd hh:mm:ss"


def test_text_stays_text_and_characters_xml_cannot_hold_are_dropped():
    sheet = read(xlsx.stream("S", ["a"], [["=1+1"], ["bell\x07 and\ttab\nline"]])).active

    assert sheet["A2"].data_type == "s" and sheet["A2"].value == "=1+1"  # an inline string is never a formula
    assert sheet["A3"].value == "bell and\ttab\nline"


def test_wide_sheets_name_their_columns_past_z_and_sheet_names_are_made_valid():
    row = list(range(30))
    workbook = read(xlsx.stream("Signatures: [2026]/all?", [f"c{n}" for n in row], [row]))

    assert workbook.active["AD2"].value == 29
    assert workbook.active.title == "Signatures   2026  all "


def test_the_first_rows_leave_before_the_last_is_read():
    def rows():
        yield ["first"]
        raise AssertionError("read too early")

    chunks = xlsx.stream("S", ["heading"], rows(), rows_per_chunk=500)

    assert next(chunks).startswith(
        b"PK"
    )  # the ZIP has begun, with the headings, before any row was asked for
