"""What making the petition PDF costs in memory and time, for 100,000 names by default.

delivery/pdf.py renders the names NAMES_PER_PART at a time and joins the parts with pypdf, so the peak
memory should stay near that of one part however many names there are. This feeds it made-up names (no
database: delivery/documents.py reads them in keyset-paged chunks of the same size) and prints the peak
resident memory of the process (ru_maxrss, which counts WeasyPrint's C libraries too), the peak of Python's
own allocations (tracemalloc), the time, the pages and the file's size.

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
    names = parser.parse_args().names

    import django

    django.setup()
    from django.utils import translation

    from delivery import pdf

    def chunks():
        countries = ["Germany", "France", "United Kingdom", "United States of America", "Spain", "Brazil"]
        for start in range(0, names, pdf.NAMES_PER_PART):
            yield [
                (f"Firstname{i} Familyname-{i % 977}", countries[i % len(countries)])
                for i in range(start, min(names, start + pdf.NAMES_PER_PART))
            ]

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
    tracemalloc.start()
    started = time.perf_counter()
    out = io.BytesIO()
    with translation.override("en-us"):
        pages = pdf.write_pdf(petition, chunks(), out)
    seconds = time.perf_counter() - started
    python_peak = tracemalloc.get_traced_memory()[1] / 2**20
    print(f"names            {names:,}")
    print(f"pages            {pages:,}")
    print(f"PDF size         {len(out.getvalue()) / 2**20:.1f} MB")
    print(f"time             {seconds:.0f} s ({names / seconds:,.0f} names/s)")
    print(f"peak RSS         {peak_rss_mb():.0f} MB (before rendering: {before:.0f} MB)")
    print(f"Python peak      {python_peak:.0f} MB (tracemalloc)")


if __name__ == "__main__":
    main()
