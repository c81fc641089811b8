"""The petition as a PDF, written with WeasyPrint in parts so that 100,000 names fit in bounded memory.

WeasyPrint lays out a whole document in memory before it writes it: one document of 100,000 names would
hold every page's boxes at once. So the letter and the counts are one part, and the names are rendered
NAMES_PER_PART at a time, each part written to a temporary file and forgotten; pypdf then joins the files
page by page. Each part starts its page numbers where the last one ended, so the joined document reads as
one. `bench/delivery_pdf.py` measures the peak memory and the time.

Nothing here reads the database: `delivery.documents` gives it the words and the names.
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

import weasyprint
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


def _refuse_fetch(url, *args, **kwargs):
    """WeasyPrint's URL fetcher: the document needs nothing from outside (fonts come from the system), and
    an editor's rich text must not make the server fetch addresses."""
    raise ValueError(f"The petition document fetches nothing: {url[:60]}")


def _render(template, context, path):
    """Render one part to `path`; return its number of pages. The document is dropped before returning."""
    html = render_to_string(template, context)
    document = weasyprint.HTML(string=html, url_fetcher=_refuse_fetch).render()
    document.write_pdf(path)
    return len(document.pages)


def write_pdf(petition, name_chunks, out, on_progress=None):
    """Write the petition to the binary file `out`: the letters and counts, then the names.

    `name_chunks` yields lists of (name, country name), at most NAMES_PER_PART each, in the order to print.
    `on_progress(names_done)` is called after each part. Returns the number of pages.
    """
    with tempfile.TemporaryDirectory(prefix="petition-") as folder:
        parts = [Path(folder) / "0.pdf"]
        pages = _render("delivery/pdf/letter.html", {"petition": petition, "page_offset": 0}, parts[0])
        done = 0
        for chunk in name_chunks:
            parts.append(Path(folder) / f"{len(parts)}.pdf")
            numbered = [(done + i + 1, name, country) for i, (name, country) in enumerate(chunk)]
            rows = [numbered[i : i + 2] for i in range(0, len(numbered), 2)]  # two names a row
            context = {"petition": petition, "rows": rows, "first": done == 0, "page_offset": pages}
            pages += _render("delivery/pdf/names.html", context, parts[-1])
            done += len(numbered)
            if on_progress:
                on_progress(done)
        writer = PdfWriter()
        for part in parts:
            writer.append(str(part))
        writer.add_metadata({"/Title": petition.title})
        writer.write(out)
    return pages
