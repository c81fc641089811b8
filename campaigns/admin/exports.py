"""Signature exports (CSV and XLSX) that never hold the whole result in memory.

Rows come from `.values_list(...).iterator(chunk_size=EXPORT_CHUNK)`: plain tuples, fetched a chunk at
a time (a server-side cursor on PostgreSQL), never cached on the queryset. Memory use therefore does
not grow with the number of signatures:

- CSV is a StreamingHttpResponse: rows are written to the response as they are read, CSV_ROWS_PER_CHUNK
  at a time.
- XLSX is a StreamingHttpResponse too (campaigns/admin/xlsx.py): the sheet's XML is deflated into the
  ZIP as rows are read, and the download starts at once. In memory at any time: one chunk of database
  rows and one chunk of compressed output.

Every text that leaves in a spreadsheet goes through `spreadsheet_text`, which keeps it from being read as
a formula ("CSV injection"): this export and Wagtail's own submissions export (`views.SubmissionsListView`)
both use it, for headings and cells alike.
"""

import csv
import datetime
import io
import json
import re

from django.db.models import TextField
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.admin import xlsx
from campaigns.pages import CampaignFormField

EXPORT_CHUNK = 2000
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A cell that starts with one of these (after any spaces or quotes) is read as a formula by Excel,
# LibreOffice or Google Sheets; a leading tab or carriage return is dropped and what follows is read.
FORMULA_STARTS = "=+-@\t\r"
# Where a spreadsheet may start a new cell inside our text: German and French Excel split CSV on `;`, some
# readers on `,` or tabs whatever the quoting, and every line of a multi-line value may become a row.
CELL_BREAKS = ",;\t\r\n"
_FORMULA_AT_CELL_START = re.compile(rf"(^|[{CELL_BREAKS}])(?=[ \"]*[{re.escape(FORMULA_STARTS)}])")
# A formula can only begin at the start of the text (after spaces or quotes) or after a cell break.
_RISKY_FIRST_CHARACTERS = frozenset(FORMULA_STARTS + ' "')
_CELL_BREAK_CHARACTERS = frozenset(CELL_BREAKS)
# Rows written to the CSV response per chunk: one write to the network per chunk, not per row.
CSV_ROWS_PER_CHUNK = 500


def spreadsheet_text(text):
    """`text` as it may go into a spreadsheet cell or heading, never to be read as a formula.

    An apostrophe goes in front of every formula start that begins the text or follows a cell break, which
    is what spreadsheets themselves do for typed text ("'=1+1" shows as text). Nothing else changes, so a
    name such as "Jean-Luc" or a comment "Yes - and more; now." reads as typed.
    """
    if not text or (text[0] not in _RISKY_FIRST_CHARACTERS and _CELL_BREAK_CHARACTERS.isdisjoint(text)):
        return text  # most names and addresses: no place where a formula could begin
    return _FORMULA_AT_CELL_START.sub(r"\1'", text)


def _columns():
    """(heading, values_list lookup) of the standard columns, in export order."""
    return [
        (_("ID"), "pk"),
        (_("Signed at"), "submit_time"),
        (_("Campaign"), "page__title"),
        (_("Campaign key"), "campaign_key"),
        (_("Language"), "locale"),
        (_("First name"), "first_name"),
        (_("Last name"), "last_name"),
        (_("Email"), "email"),
        (_("Country"), "country"),
        (_("Postal code"), "postal_code"),
        (_("Comment"), "comment"),
        (_("Newsletter"), "newsletter_opt_in"),
        (_("Confirmed at"), "confirmed_at"),
        (_("Counted"), "counted"),
        (_("Consent given at"), "consented_at"),
        (_("Consent wording"), "consent_text"),
        (_("Updates: consent given at"), "updates_consented_at"),
        (_("Updates: unsubscribed at"), "updates_unsubscribed_at"),
        (_("Name handed over: consent given at"), "handover_consented_at"),
        (_("Personal data deleted at"), "anonymised_at"),
    ]


class SignatureExport:
    """The rows of a (filtered, searched, ordered) signature queryset as spreadsheet rows.

    Extra questions become one column each, named by the question's label, for every question on the
    campaigns in the export. Answers to questions no longer on a form go to "Other answers", and the
    source (utm_* parameters, referrer) to one "Source" column as `key=value` pairs.
    """

    def __init__(self, queryset):
        self.queryset = queryset
        self.columns = _columns()
        self.questions = self._questions()

    def _questions(self):
        """(clean_name, label) of the extra questions of the campaigns in the export, first seen first."""
        fields = CampaignFormField.objects.filter(
            page_id__in=self.queryset.order_by().values("page_id").distinct()
        ).order_by("page_id", "sort_order", "pk")
        questions = {}
        for clean_name, label in fields.values_list("clean_name", "label"):
            questions.setdefault(clean_name, label)
        return list(questions.items())

    def headings(self):
        """Column headings, safe for a spreadsheet: an extra question's label is an Editor's text."""
        headings = (
            [str(heading) for heading, _lookup in self.columns]
            + [label for _name, label in self.questions]
            + [_("Other answers"), _("Source")]
        )
        return [spreadsheet_text(heading) for heading in headings]

    def rows(self):
        """Each signature as a list of Python values (datetimes, booleans, strings), read in chunks."""
        lookups = [lookup for _heading, lookup in self.columns]
        names = [name for name, _label in self.questions]
        # Newest first by id, which PostgreSQL reads straight off the primary key's index: ordering a million
        # rows by signing time would sort them all before the first could leave. The two JSON columns come as
        # text and are parsed only when not empty, which most rows' answers are.
        rows = (
            self.queryset.order_by("-pk")
            .annotate(answers_text=Cast("form_data", TextField()), source_text=Cast("source", TextField()))
            .values_list(*lookups, "answers_text", "source_text")
        )
        for values in rows.iterator(chunk_size=EXPORT_CHUNK):
            *standard, answers, source = values
            answers = _json_object(answers)
            source = _json_object(source)
            extra = [_answer(answers.pop(name, None)) for name in names]
            other = "; ".join(f"{key}={_answer(value)}" for key, value in sorted(answers.items()))
            origin = "; ".join(f"{key}={value}" for key, value in sorted((source or {}).items()))
            yield [*standard, *extra, other, origin]

    def csv_response(self, filename):
        buffer = io.StringIO()
        writer = csv.writer(buffer)

        def chunk():
            text = buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
            return text

        def lines():
            cell = _csv_cell()
            writer.writerow([cell(heading) for heading in self.headings()])
            yield chunk()  # the download starts at once
            for number, row in enumerate(self.rows(), 1):
                writer.writerow([cell(value) for value in row])
                if number % CSV_ROWS_PER_CHUNK == 0:
                    yield chunk()
            yield chunk()

        response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
        return response

    def xlsx_response(self, filename):
        rows = ([_xlsx_value(value) for value in row] for row in self.rows())
        response = StreamingHttpResponse(
            xlsx.stream(_("Signatures"), self.headings(), rows), content_type=XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = f'attachment; filename="{filename}.xlsx"'
        return response


def export_filename():
    return f"signatures-{timezone.localdate():%Y-%m-%d}"


def _json_object(text):
    return json.loads(text) if text and text != "{}" else {}


def _answer(value):
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return "" if value is None else value


def _csv_cell():
    """A function that writes one value as CSV text: the export's words for yes and no are looked up once,
    not for every cell of a million rows, and text (the most common value) is checked first."""
    words = {True: _("yes"), False: _("no"), None: ""}
    # Some texts repeat on every row (the campaign's title, its consent wording): checked once each.
    repeated = {}

    def cell(value):
        kind = type(value)
        if kind is str:
            if len(value) < 40:
                return spreadsheet_text(value)
            if value not in repeated:
                if len(repeated) > 1000:
                    repeated.clear()
                repeated[value] = spreadsheet_text(value)
            return repeated[value]
        if kind is bool or value is None:
            return words[value]
        if kind is datetime.datetime:
            return value.astimezone(datetime.UTC).isoformat()
        return spreadsheet_text(str(value))

    return cell


def _xlsx_value(value):
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write UTC, as the CSV does.
        return timezone.make_naive(value, datetime.UTC)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return spreadsheet_text(str(value))
