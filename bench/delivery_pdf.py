"""What making the petition PDF costs in memory and time, for 100,000 names by default.

delivery/pdf.py renders the names NAMES_PER_PART at a time and joins the parts with pypdf, so the peak
memory should stay near that of one part however many names there are. This does what the worker's tasks do
(delivery/documents.py: one part after another, then the join), in one process and with made-up names (no
database), and prints the peak resident memory of the process (ru_maxrss, which counts WeasyPrint's C
libraries too), the time, the pages and the file's size. `--tracemalloc` adds the peak of Python's own
allocations, at the price of a much slower run.

    .venv/bin/python bench/delivery_pdf.py              # 100,000 names
    .venv/bin/python bench/delivery_pdf.py --names 10000
"""

import argparse
import io
import os
import resource
import sys
import time
import tracemalloc
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def peak_rss_mb():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--names", type=int, default=100_000)
    parser.add_argument("--tracemalloc", action="store_true")
    arguments = parser.parse_args()
    names = arguments.names

    import django

    django.setup()
    from django.utils import translation

    from delivery import pdf

    countries = ["Germany", "France", "United Kingdom", "United States of America", "Spain", "Brazil"]

    petition = pdf.Petition(
        language="en-us",
        title="Tell Amazon Ring: stop sharing footage with police",
        target="Amazon Ring",
        letters=[pdf.Letter("en-us", "Tell Amazon Ring", "Amazon Ring", "<p>Stop sharing footage.</p>")],
        count=names * 2,
        per_country=[("Germany", names), ("France", names)],
        names_total=names,
        made_on=date.today(),
    )
    before = peak_rss_mb()
    if arguments.tracemalloc:
        tracemalloc.start()
    started = time.perf_counter()
    with translation.override("en-us"):
        parts = [pdf.letter_part(petition)]
        for start in range(0, names, pdf.NAMES_PER_PART):
            chunk = [
                (f"Firstname{i} Familyname-{i % 977}", countries[i % len(countries)])
                for i in range(start, min(names, start + pdf.NAMES_PER_PART))
            ]
            parts.append(pdf.names_part("en-us", chunk, start + 1, sum(part.pages for part in parts)))
            parts[-1].pdf = bytes(parts[-1].pdf)  # as the database hands it back
    rendered = time.perf_counter() - started
    out = io.BytesIO()
    pdf.join([part.pdf for part in parts], petition.title, out)
    seconds = time.perf_counter() - started
    pages = sum(part.pages for part in parts)
    print(f"names            {names:,}")
    print(f"pages            {pages:,}")
    print(f"PDF size         {len(out.getvalue()) / 2**20:.1f} MB")
    print(
        f"time             {seconds:.0f} s ({names / seconds:,.0f} names/s; joining {seconds - rendered:.1f} s)"
    )
    print(f"peak RSS         {peak_rss_mb():.0f} MB (before rendering: {before:.0f} MB)")
    if arguments.tracemalloc:
        print(f"Python peak      {tracemalloc.get_traced_memory()[1] / 2**20:.0f} MB (tracemalloc)")


if __name__ == "__main__":
    main()
