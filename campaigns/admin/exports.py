"""Signature exports (CSV and XLSX) that never hold the whole result in memory.

Rows come from `.values_list(...).iterator(chunk_size=EXPORT_CHUNK)`: plain tuples, fetched a chunk at
a time (a server-side cursor on PostgreSQL), never cached on the queryset. Memory use therefore does
not grow with the number of signatures:

- CSV is a StreamingHttpResponse: each chunk of rows read is written to the response at once, a column at
  a time (see `SignatureExport.csv_chunks`), in the csv module's default ("excel") dialect.
- XLSX is a StreamingHttpResponse too (campaigns/admin/xlsx.py): the sheet's XML is deflated into the
  ZIP as rows are read, and the download starts at once. In memory at any time: one chunk of database
  rows and one chunk of compressed output.

Every text that leaves in a spreadsheet goes through `spreadsheet_text`, which keeps it from being read as
a formula ("CSV injection"): this export and Wagtail's own submissions export (`campaigns.formula_safe.SubmissionsListView`)
both use it, for headings and cells alike.
"""

import datetime
import itertools
import json
import uuid

from django.db import models
from django.db.models import Case, CharField, TextField, Value, When
from django.db.models.functions import Cast
from django.http import StreamingHttpResponse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from campaigns.admin import xlsx
from campaigns.admin.flag_reasons import reasons_text
from campaigns.formula_safe import CELL_BREAK_CHARACTERS, RISKY_FIRST_CHARACTERS, spreadsheet_text
from campaigns.models.pages import CampaignFormField, CampaignPage

# Rows per chunk: 2000 held the worker's peak at 152 MB for 1.1 million rows, 500 at 140 MB, as fast (88-92,000
# rows/s against 73-76,000; bench/README.md).
EXPORT_CHUNK = 500
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# A CSV field that holds one of these is quoted, with its quotes doubled: what the csv module's writer does in
# its default ("excel") dialect, and what every spreadsheet reads.
_CSV_QUOTED_IF = frozenset(',"\r\n')
# A text needs looking into before it goes into a CSV field if it holds one of these or starts with a risky
# character. Searching a column's texts joined for each of these characters, and the set of their first
# characters for risky ones, is many times quicker than looking at each text.
_CSV_LOOK_INTO_IF = _CSV_QUOTED_IF | CELL_BREAK_CHARACTERS
# Columns written otherwise than their field says (see `_csv_kind`): the flagged state is computed by the query.
_KINDS = {"flag_state": "text", "flag_reasons": "reasons"}


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
        (_("Flagged"), "flag_state"),  # held or released (campaigns.quarantine), empty if never flagged
        (_("Why flagged"), "flag_reasons"),
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
        reasons = [lookup for _heading, lookup in self.columns].index("flag_reasons")
        for *standard, answers, source in self._values().iterator(chunk_size=EXPORT_CHUNK):
            standard[reasons] = reasons_text(standard[reasons])
            yield [*standard, *self._answers(answers, source)]

    def csv_chunks(self):
        """The signatures as CSV fields, one list of columns for each chunk of rows read from the database.

        A column at a time, because a million rows of per-cell Python calls was most of the export's time: a
        column of text in which no formula could start and nothing needs quoting (checked for all of its
        texts at once) is written as read, as are ids and campaign keys (see `_csv_kind`); times come as text
        from the database (turning its timestamps into Python datetimes cost more than writing them) and are
        written in UTC. The other fields are those of `_csv_cell` for each value of `rows()`, quoted as the csv
        module's writer would.
        """
        cell = _csv_cell()
        words = {value: _csv_field(cell(value)) for value in (True, False, None)}
        kinds = [_csv_kind(self.queryset.model, lookup) for _heading, lookup in self.columns]
        times = [
            lookup for (_heading, lookup), kind in zip(self.columns, kinds, strict=True) if kind == "time"
        ]
        convert = {
            "as read": lambda column: [str(value) for value in column],
            "text": _text_column,
            "yes/no": lambda column: [words[value] for value in column],
            "time": lambda column: ["" if value is None else _utc_isoformat(value) for value in column],
            "other": lambda column: [_csv_field(cell(value)) for value in column],
            "reasons": lambda column: [
                _csv_field(cell(reasons_text(value))) if value else "" for value in column
            ],
        }
        no_answers = [""] * (len(self.questions) + 2)
        rows = self._values(times_as_text=times).iterator(chunk_size=EXPORT_CHUNK)
        while chunk := list(itertools.islice(rows, EXPORT_CHUNK)):
            *standard, answers, sources = zip(*chunk, strict=True)
            columns = [convert[kind](column) for kind, column in zip(kinds, standard, strict=True)]
            answered = [
                [_csv_field(cell(value)) for value in self._answers(answers_text, source_text)]
                if _json_object_text(answers_text) or _json_object_text(source_text)
                else no_answers
                for answers_text, source_text in zip(answers, sources, strict=True)
            ]
            yield [*columns, *zip(*answered, strict=True)]

    def _values(self, times_as_text=()):
        """The rows' values, the two JSON columns as text, and the time columns `times_as_text` (lookups) as
        text too."""
        lookups = [lookup for _heading, lookup in self.columns]
        # Newest first by id, which PostgreSQL reads straight off the primary key's index: ordering a million
        # rows by signing time would sort them all before the first could leave. The two JSON columns come as
        # text and are parsed only when not empty, which most rows' answers are.
        rows = self.queryset.order_by("-pk").annotate(
            answers_text=Cast("form_data", TextField()),
            source_text=Cast("source", TextField()),
            flag_state=Case(
                When(flagged_at__isnull=True, then=Value("")),
                When(released_at__isnull=True, then=Value(_("held"))),
                default=Value(_("released")),
                output_field=CharField(),
            ),
        )
        if times_as_text:
            rows = rows.annotate(**{f"{lookup}_text": Cast(lookup, TextField()) for lookup in times_as_text})
            lookups = [f"{lookup}_text" if lookup in times_as_text else lookup for lookup in lookups]
        return rows.values_list(*lookups, "answers_text", "source_text")

    def _answers(self, answers_text, source_text):
        """The extra questions' answers, the other answers and the source, from the two JSON columns' text."""
        answers = _json_object(answers_text)
        source = _json_object(source_text)
        extra = [_answer(answers.pop(name, None)) for name, _label in self.questions]
        other = "; ".join(f"{key}={_answer(value)}" for key, value in sorted(answers.items()))
        origin = "; ".join(f"{key}={value}" for key, value in sorted((source or {}).items()))
        return [*extra, other, origin]

    def csv_response(self, filename):
        def lines():
            cell = _csv_cell()
            headings = [[_csv_field(cell(heading))] for heading in self.headings()]
            yield _csv_lines(headings)  # the download starts at once
            for columns in self.csv_chunks():
                yield _csv_lines(columns)  # one write to the network for each chunk read

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


def export_filename(campaign_key=None):
    """`signatures-<campaign slug>-<date>` for an export of one campaign, `signatures-all-<date>` otherwise, so
    that the downloads of several campaigns stay apart in a Downloads folder. The slug is that of the
    variant naming the campaign in the admin, reduced to ASCII for the Content-Disposition header."""
    name = "all"
    if campaign_key:
        # The listing has already refused a campaign filter that is not a UUID (filters.ListingQuery).
        key = uuid.UUID(str(campaign_key))
        campaign = CampaignPage.by_campaign_key([key]).get(key)
        if campaign is not None:
            name = slugify(campaign.slug) or "campaign"
    return f"signatures-{name}-{timezone.localdate():%Y-%m-%d}"


def _json_object_text(text):
    """Whether a JSON column's text holds anything: most signatures have no extra answers and no source."""
    return bool(text) and text != "{}"


def _json_object(text):
    return json.loads(text) if _json_object_text(text) else {}


def _answer(value):
    if isinstance(value, list | tuple):
        return ", ".join(str(item) for item in value)
    return "" if value is None else value


def _csv_cell():
    """A function that writes one value as CSV text: the export's words for yes and no are looked up once,
    not for every cell, and text (the most common value) is checked first."""
    words = {True: _("yes"), False: _("no"), None: ""}

    def cell(value):
        kind = type(value)
        if kind is str:
            return spreadsheet_text(value)
        if kind is bool or value is None:
            return words[value]
        return spreadsheet_text(str(value))

    return cell


def _csv_kind(model, lookup):
    """How `csv_chunks` writes the column of `lookup`: ids and campaign keys as read (their digits, hex and
    hyphens can neither start a formula nor break a cell), text that cannot be NULL as a whole column,
    booleans as yes or no, times in UTC, and anything else one cell at a time."""
    if lookup in _KINDS:
        return _KINDS[lookup]
    *relations, name = lookup.split("__")
    for relation in relations:
        model = model._meta.get_field(relation).related_model
    field = model._meta.pk if name == "pk" else model._meta.get_field(name)
    if isinstance(field, models.AutoField | models.UUIDField):
        return "as read"
    if isinstance(field, models.CharField | models.TextField) and not field.null:
        return "text"
    if isinstance(field, models.BooleanField) and not field.null:
        return "yes/no"
    if isinstance(field, models.DateTimeField):
        return "time"
    return "other"


def _text_column(texts):
    """A column of text as CSV fields, each passed through `spreadsheet_text` and quoted if need be. Its texts
    are looked into one by one only if one of them could hold a formula or needs quoting; a text repeated on
    every row (the campaign's title, its consent wording) is looked into once."""
    joined = "".join(texts)
    plain = not any(character in joined for character in _CSV_LOOK_INTO_IF)
    if plain and RISKY_FIRST_CHARACTERS.isdisjoint({text[:1] for text in texts}):
        return texts
    fields = {text: _csv_field(spreadsheet_text(text)) for text in set(texts)}
    return [fields[text] for text in texts]


def _csv_field(text):
    if _CSV_QUOTED_IF.isdisjoint(text):
        return text
    return '"' + text.replace('"', '""') + '"'


def _csv_lines(columns):
    """The CSV lines of the rows whose fields `columns` holds, a column of fields each: what the csv module's
    writer writes for the same rows, in a fraction of its time (it looks at every character of every field:
    nearly half of the export's CPU once the cells were worked a column at a time)."""
    return "\r\n".join(map(",".join, zip(*columns, strict=True))) + "\r\n"


def _utc_isoformat(text):
    """A time from the database, as text, in the ISO format the export writes (`datetime.isoformat` in UTC).
    PostgreSQL writes it with its offset, SQLite in UTC without one."""
    moment = datetime.datetime.fromisoformat(text)
    if moment.tzinfo is None:
        return moment.replace(tzinfo=datetime.UTC).isoformat()
    return moment.astimezone(datetime.UTC).isoformat()


def _xlsx_value(value):
    if isinstance(value, datetime.datetime):
        # Excel has no time zones: write UTC, as the CSV does.
        return timezone.make_naive(value, datetime.UTC)
    if isinstance(value, bool | int | float) or value is None:
        return value
    return spreadsheet_text(str(value))
