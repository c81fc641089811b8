"""Text that goes into a spreadsheet, never to be read as a formula ("CSV injection").

Signers type the cells and Editors the extra questions' labels, so every text of an export passes through
`spreadsheet_text`: the Signatures admin's exports (campaigns.admin.exports) and Wagtail's own submissions
listing and export of a petition (`SubmissionsListView`, CampaignPage's `get_submissions_list_view_class`). It
lives outside campaigns.admin so that the page model can name the view without importing the admin.
"""

import re

from wagtail.contrib.forms import views as wagtail_forms_views

# A cell that starts with one of these (after any spaces or quotes) is read as a formula by Excel,
# LibreOffice or Google Sheets; a leading tab or carriage return is dropped and what follows is read.
FORMULA_STARTS = "=+-@\t\r"
# Where a spreadsheet may start a new cell inside our text: German and French Excel split CSV on `;`, some
# readers on `,` or tabs whatever the quoting, and every line of a multi-line value may become a row.
CELL_BREAKS = ",;\t\r\n"
_FORMULA_AT_CELL_START = re.compile(rf"(^|[{CELL_BREAKS}])(?=[ \"]*[{re.escape(FORMULA_STARTS)}])")
# A formula can only begin at the start of the text (after spaces or quotes) or after a cell break.
RISKY_FIRST_CHARACTERS = frozenset(FORMULA_STARTS + ' "')
CELL_BREAK_CHARACTERS = frozenset(CELL_BREAKS)


def spreadsheet_text(text):
    """`text` as it may go into a spreadsheet cell or heading, never to be read as a formula.

    An apostrophe goes in front of every formula start that begins the text or follows a cell break, which
    is what spreadsheets themselves do for typed text ("'=1+1" shows as text). Nothing else changes, so a
    name such as "Jean-Luc" or a comment "Yes - and more; now." reads as typed.
    """
    if not text or (text[0] not in RISKY_FIRST_CHARACTERS and CELL_BREAK_CHARACTERS.isdisjoint(text)):
        return text  # most names and addresses: no place where a formula could begin
    return _FORMULA_AT_CELL_START.sub(r"\1'", text)


class SubmissionsListView(wagtail_forms_views.SubmissionsListView):
    """Wagtail's submissions listing and CSV/XLSX export for a petition (CampaignPage's
    `get_submissions_list_view_class`), with every heading and text cell passed through
    `spreadsheet_text`: signers type the cells and Editors the extra questions' labels."""

    def get_heading(self, queryset, field):
        return spreadsheet_text(super().get_heading(queryset, field))

    def preprocess_field_value(self, field, value, export_format):
        value = super().preprocess_field_value(field, value, export_format)
        return spreadsheet_text(value) if isinstance(value, str) else value
