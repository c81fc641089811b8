"""How should the public count be stored? Sign concurrently on PostgreSQL with 1 counter row vs several.

DESIGN.md asks for a count that stays exact without becoming one hot row that every signing transaction
waits on. This runs the real signing service (campaigns.signatures.sign) from many threads, each with its
own database connection, once with COUNTER_SHARDS = 1 (a single counter row) and once per shard count
to compare, and prints signatures per second and whether the count stayed exact.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/test .venv/bin/python bench/counter_contention.py

It creates and drops its own throwaway database (test_<name>), so it never touches real data.
"""

import argparse
import os
import sys
import threading
import time
from pathlib import Path

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
        help="time only the counter's transaction (no signature row, no Python page work): the lock itself",
    )
    args = parser.parse_args()

    import django

    django.setup()
    from django.db import connection, connections, transaction
    from django.test.utils import setup_databases, teardown_databases

    if connection.vendor != "postgresql":
        sys.exit("Set DATABASE_URL to a PostgreSQL server: SQLite serialises every writer anyway.")

    old_config = setup_databases(verbosity=0, interactive=False)
    try:
        from campaigns import signatures
        from tests.builders import build_campaign, build_index, build_site

        index = build_index(build_site())
        what = "counter transactions only" if args.counter_only else "the real signing service"
        print(f"{args.threads} threads × {args.signatures} signatures each, PostgreSQL, {what}")
        print(f"{'counter rows':>12} {'signatures/s':>13} {'exact':>6}")
        for number, shards in enumerate(args.shards):
            signatures.COUNTER_SHARDS = shards
            page = build_campaign(index, slug=f"bench-{number}", title=f"Bench {number}")
            errors = []

            def signer(thread, page=page, errors=errors):
                try:
                    for n in range(args.signatures):
                        if args.counter_only:
                            with transaction.atomic():
                                signatures.change_count(page.translation_key, 1)
                        else:
                            data = {
                                "email": f"t{thread}-{n}@example.org",
                                "first_name": "A",
                                "last_name": "B",
                            }
                            signatures.sign(page, data)
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
            exact = signatures.signature_count(page.translation_key) == total
            print(f"{shards:>12} {total / elapsed:>13.0f} {'yes' if exact else 'NO':>6}")
    finally:
        teardown_databases(old_config, verbosity=0)


if __name__ == "__main__":
    main()
