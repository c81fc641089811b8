"""What the public API's counts by country cost with a million signatures, on PostgreSQL.

The count by country is a GROUP BY over one campaign's signatures (api/data.py). This loads ROWS counted
signatures with COPY (bench/loading.py `load_signatures`), spread over 40 countries, then prints:
- the GROUP BY itself (what one recount costs, at most once a minute per campaign);
- an API request that recounts (nothing cached), one that reads the kept counts (page cache bypassed), and
  one served by the page cache.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/api_countries.py

It creates and drops its own throwaway database (test_<name>), so it never touches real data.
"""

import argparse
import os
import random
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

COUNTRIES = "DE FR GB US ES IT NL BE AT CH PL SE DK NO FI IE PT CZ HU RO GR BG HR SI SK LT LV EE LU MT CY IS CA AU NZ MX BR AR JP IN"


def timed(function, repeat):
    """Median and best milliseconds of `repeat` calls."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append((time.perf_counter() - started) * 1000)
    return statistics.median(times), min(times)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--rows", type=int, default=1_000_000, help="signatures to load (default 1,000,000)")
    parser.add_argument("--requests", type=int, default=200, help="API requests per warm measurement")
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: the figures are meant for production's database.")

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        from django.core.cache import cache
        from django.test import Client

        from api import data
        from bench.loading import load_signatures
        from tests.builders import build_campaign, build_index, build_site

        ring = build_campaign(build_index(build_site()))
        started = time.perf_counter()
        countries = COUNTRIES.split()
        spread = random.Random(1)
        # A skewed spread, as real petitions have: the first countries get most signatures.
        load_signatures(ring, args.rows, lambda n: countries[int(spread.random() ** 3 * len(countries))])
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE campaigns_signature")
        print(
            f"loaded {args.rows:,} signatures over {len(countries)} countries in {time.perf_counter() - started:.0f} s",
            flush=True,
        )

        key = ring.translation_key
        url = f"/en-us/api/v1/campaigns/{key}/countries/"
        client = Client()

        def recount():
            cache.delete(f"api-countries:{key}")
            data.country_counts(key)

        median, best = timed(recount, 5)
        print(
            f"{'GROUP BY country (one recount)':<52} median {median:8.1f} ms   best {best:8.1f} ms",
            flush=True,
        )

        counter = iter(range(10**9))

        def cold_request():
            cache.delete(f"api-countries:{key}")
            assert client.get(f"{url}?cold={next(counter)}").status_code == 200  # past the page cache

        median, best = timed(cold_request, 5)
        print(
            f"{'API request, nothing kept (recounts)':<52} median {median:8.1f} ms   best {best:8.1f} ms",
            flush=True,
        )

        client.get(url)
        median, best = timed(lambda: client.get(f"{url}?n={next(counter)}"), args.requests)
        print(
            f"{'API request, counts kept (page cache bypassed)':<52} median {median:8.1f} ms   best {best:8.1f} ms",
            flush=True,
        )

        client.get(url)
        median, best = timed(lambda: client.get(url), args.requests)
        print(
            f"{'API request, from the page cache':<52} median {median:8.1f} ms   best {best:8.1f} ms",
            flush=True,
        )
        print(f"(counts are recounted at most every {data.COUNTRIES_FRESH} s per campaign, by one request)")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
