"""How should the public count be stored? Sign concurrently on PostgreSQL with 1 counter row vs several.

DESIGN.md asks for a count that stays exact without becoming one hot row that every signing transaction
waits on. The database counts each signature as it is stored (campaigns/counting.py: a trigger adds it to
one of COUNTER_SHARDS rows picked at random). This installs the trigger with 1 row and with each shard count
to compare, runs the real signing service (campaigns.signing.sign) from many threads, each with its own
database connection, and prints signatures per second and whether the count stayed exact. With
--counter-only the threads insert bare signature rows (one INSERT and the trigger, no Python page work).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/counter_contention.py

It creates and drops its own throwaway database (test_<name>), so it never touches real data.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

from campaigns import signing
from campaigns.models.counter import signature_count

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--threads", type=int, default=16, help="concurrent signers (default 16)")
    parser.add_argument("--signatures", type=int, default=100, help="signatures per thread (default 100)")
    parser.add_argument("--shards", type=int, nargs="+", default=[1, 8, 32], help="counter rows to compare")
    parser.add_argument(
        "--counter-only",
        action="store_true",
        help="insert bare signature rows (one INSERT each, counted by the trigger): the lock itself",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, connections
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: SQLite serialises every writer anyway.")

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        from campaigns import counting
        from tests.builders import build_campaign, build_index, build_signature, build_site

        index = build_index(build_site())
        what = "bare signature rows" if args.counter_only else "the real signing service"
        print(f"{args.threads} threads × {args.signatures} signatures each, PostgreSQL, {what}")
        print(f"{'counter rows':>12} {'signatures/s':>13} {'exact':>6}")
        for number, shards in enumerate(args.shards):
            counting.install_triggers(shards=shards)
            page = build_campaign(index, slug=f"bench-{number}", title=f"Bench {number}")
            errors = []

            def signer(thread, page=page, errors=errors):
                try:
                    for n in range(args.signatures):
                        email = f"t{thread}-{n}@example.org"
                        if args.counter_only:
                            build_signature(page, email=email)
                        else:
                            data = {"email": email, "first_name": "A", "last_name": "B", "country": "US"}
                            signing.sign(page, page.get_form(data, page=page))
                except Exception as error:  # reported below: a benchmark must not hide failures
                    errors.append(error)
                finally:
                    connections.close_all()

            threads = [threading.Thread(target=signer, args=(t,)) for t in range(args.threads)]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
            if errors:
                sys.exit(f"signing failed: {errors[0]!r}")
            total = args.threads * args.signatures
            exact = signature_count(page.translation_key) == total
            print(f"{shards:>12} {total / elapsed:>13.0f} {'yes' if exact else 'NO':>6}")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
