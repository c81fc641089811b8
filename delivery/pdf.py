"""The petition as a PDF, written with WeasyPrint in parts so that 100,000 names fit in bounded memory.

WeasyPrint lays out a whole document in memory before it writes it: one document of 100,000 names would
hold every page's boxes at once. So the letter and the counts are one part, and the names are rendered
NAMES_PER_PART at a time, each part written on its own (delivery/documents.py makes each in a task of its own
and keeps its bytes); `join` then puts the parts' pages together with pypdf. Each part starts its page
numbers where the one before ended, so the joined document reads as one. `bench/delivery_pdf.py` measures
the peak memory and the time.

Nothing here reads the database: delivery/documents.py gives it the words and the names.
"""

import io
from dataclasses import dataclass

from django.template.loader import render_to_string
from pypdf import PdfWriter

NAMES_PER_PART = 1000


@dataclass
class Letter:
    """One language's letter: what the petition asks, in that language."""

    language: str
    title: str
    target: str
    ask: str  # rich text, as stored (the template expands it)


@dataclass
class Petition:
    """Everything the document says beside the names, in `language` (the counts, headings and dates)."""

    language: str
    title: str
    target: str
    letters: list[Letter]
    count: int
    per_country: list[tuple[str, int]]  # (country name, signatures), most first
    names_total: int
    made_on: object = None  # a date


@dataclass
class Part:
    pdf: bytes
    pages: int


def _refuse_fetch(url, *args, **kwargs):
    """WeasyPrint's URL fetcher: the document needs nothing from outside (fonts come from the system), and
    an editor's rich text must not make the server fetch addresses."""
    raise ValueError(f"The petition document fetches nothing: {url[:60]}")


def _render(template, context):
    # Imported here, not at the top: loading WeasyPrint and Pango takes a second or more, which every process
    # (each web worker, each manage.py command) would pay at start, while only the worker making a PDF uses it.
    import weasyprint

    html = render_to_string(template, context)
    document = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).render()
    return Part(document.write_pdf(), len(document.pages))


def letter_part(petition):
    """The first part: each letter, then the counts. Render it with the petition's language active."""
    return _render("delivery/pdf/letter.html", {"petition": petition, "page_offset": 0})


def names_part(language, names, first_number, page_offset):
    """A part of the list in `language`: `names` as (name, country name), numbered from `first_number`, its
    pages numbered after `page_offset` pages."""
    numbered = [(first_number + i, name, country) for i, (name, country) in enumerate(names)]
    rows = [numbered[i : i + 2] for i in range(0, len(numbered), 2)]  # two names a row
    context = {"language": language, "rows": rows, "first": first_number == 1, "page_offset": page_offset}
    return _render("delivery/pdf/names.html", context)


def join(parts, title, out):
    """Write the parts' pages, in order, as one PDF to the binary file `out`."""
    writer = PdfWriter()
    for part in parts:
        writer.append(io.BytesIO(part))
    writer.add_metadata({"/Title": title})
    writer.write(out)
