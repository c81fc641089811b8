"""`make bench`: how many page views and signatures the site serves, against stock Wagtail and bare Django.

Production as it runs: config.settings.production (through bench/settings.py, which adds only the old
in-process baseline and ceilings), gunicorn with config/gunicorn.py (4 workers unless --workers), PostgreSQL,
Redis, the page cache. The load comes from wrk (Debian's package). In the same run, each by its own gunicorn:
- the baseline: a stock Wagtail site generated with `wagtail start` (bench/baselines.py), one form page with
  the campaign's six fields, its own settings and middleware, the same number of gunicorn workers;
- the ceiling: a bare Django project from `django-admin startproject`: one view storing one row with the
  ORM, one returning 20 KB, gunicorn 4 × 4 gthread like this site.
The old baseline and ceilings served inside this site's processes stay as rows named "in this site's stack".

It creates and drops its own PostgreSQL databases (campaigns_bench, and the baselines' two), loads the demo, and prints a table (also
written to bench/results/latest.md): requests/s, p50 and p99, the ratio to stock and the fraction of the
ceiling, then what each part checked (rows stored = answers = count moved; queries of a cold page; the
scale test with 1,000,000 signatures loaded by COPY; the exports' speed and memory; a mailing's spike).

    make bench                     # everything, about 10 minutes on 2 cores
    .venv/bin/python bench/run.py --quick   # shorter runs and 100,000 rows, to try a change
"""

import argparse
import dataclasses
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import baselines, exports, integrity, report, scenarios, setup, wrk  # noqa: E402
from bench.server import Gunicorn  # noqa: E402
from bench.setup import BARE_PORT, PORT, STOCK_HOST, STOCK_PORT  # noqa: E402

DATABASE = "campaigns_bench"
SERVER = "postgres://postgres@127.0.0.1:5432"
REDIS = "redis://127.0.0.1:6379/13"
RESULTS = ROOT / "bench" / "results" / "latest.md"
# `--only integrity`: the integrity rules' cost alone, in a few minutes, kept apart from the whole run's table.
INTEGRITY_RESULTS = ROOT / "bench" / "results" / "integrity.md"


def environment(args):
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{args.server}/{DATABASE}",
        "REDIS_URL": args.redis,
        "SECRET_KEY": "bench-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "SECURE_SSL_REDIRECT": "false",
        "BASE_URL": f"http://127.0.0.1:{PORT}",
        "ALLOWED_HOSTS": f"127.0.0.1,localhost,{STOCK_HOST}",
        "DEFAULT_FROM_EMAIL": "Bench <bench@example.org>",
        # Mails are queued for the worker, which the benchmark does not run: nothing is sent.
        "EMAIL_URL": "smtp://127.0.0.1:2525",
        # Production refuses to start without a bucket; bench/settings.py keeps the demo's pictures on disk.
        "AWS_STORAGE_BUCKET_NAME": "bench-media",
        # Every benchmark request comes through one "proxy" (wrk) that names a new client each time.
        "TRUSTED_PROXIES": "1",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": str(args.workers),
        "WEB_THREADS": str(args.threads),
    }


# The database and the content


def create_database(args):
    import psycopg

    with psycopg.connect(f"{args.server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {DATABASE} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {DATABASE}")
    import redis

    redis.Redis.from_url(args.redis).flushdb()


def load_content():
    """The demo in every language, static files, and the stock form page served inside this site's processes
    (bench/stock, on its own Site): the old in-process baseline, kept as a row of its own."""
    from django.core.management import call_command
    from wagtail.models import Locale, Page, Site

    from bench.stock.models import StockFormField, StockFormPage
    from campaigns.models.pages import CampaignPage

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("set_site_address", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", "--noinput", verbosity=0)

    # The Ring petition as the demo configures it: signers confirm by email, and each signing queues its
    # follow-up (the worker sends the confirmation mail). bench/scenarios.py switches it off for two rows.
    ring = CampaignPage.objects.get(slug="amazon-ring", locale__language_code="en-us")
    assert ring.confirmation_required, "the demo's Ring petition asks signers to confirm"

    stock = StockFormPage(
        title="Tell Amazon Ring: stop sharing footage with police",
        slug="stock",
        locale=Locale.get_default(),
        intro=ring.ask + "<p>" + ring.summary + "</p>",
        thank_you_text="<p>Thank you for signing!</p>",
    )
    Page.get_first_root_node().add_child(instance=stock)
    fields = setup.stock_fields()
    for order, (label, kind, required, choices) in enumerate(fields):
        StockFormField.objects.create(
            page=stock, sort_order=order, label=label, field_type=kind, required=required, choices=choices
        )
    stock.save_revision().publish()
    Site.objects.create(hostname=STOCK_HOST, port=80, root_page=stock, site_name="Stock")
    return ring


class Bench:
    def __init__(self, args, server):
        self.args = args
        self.server = server
        self.rows = []  # (name, Result, kind)
        self.load = os.getloadavg()
        self.notes = []
        self.stock = {}
        self.ceiling = {}

    def measure(self, name, script, kind, connections=16, seconds=None, runs=1, base=None):
        """Run wrk with `script` (or `script(run)`, a new script for each run: posts need new signers) `runs`
        times and keep the run of median rate, with every run's answers and errors added up (so the row's
        checks and its error column count them all). One run can come out at half rate with idle cores, when
        wrk's few connections land on one gunicorn worker (bench/README): the median of three is not moved by
        one such run. `base`: another server's address (the baselines'); this site's by default."""
        results = []
        for run in range(runs):
            result = wrk.run(
                base or self.server.base,
                script(run) if callable(script) else script,
                seconds or self.args.seconds,
                connections=connections,
            )
            results.append(result)
            label = name if runs == 1 else f"{name} ({run + 1}/{runs})"
            print(
                f"  {label:<50} {result.rate:>8.0f}/s  p50 {result.p50_ms:>7.1f} ms  p99 {result.p99_ms:>7.1f} ms"
                f"  ok {result.ok}  4xx {result.client_errors}  5xx {result.server_errors}",
                flush=True,
            )
        median = sorted(results, key=lambda result: result.rate)[len(results) // 2]
        result = dataclasses.replace(
            median,
            ok=sum(r.ok for r in results),
            client_errors=sum(r.client_errors for r in results),
            server_errors=sum(r.server_errors for r in results),
            socket_errors=sum(r.socket_errors for r in results),
        )
        self.rows.append((name, result, kind))
        return result

    def note(self, text):
        print("  " + text, flush=True)
        self.notes.append(text)


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--seconds", type=int, default=12, help="each wrk run (default 12)")
    parser.add_argument("--spike-seconds", type=int, default=60, help="the mailing's spike (default 60)")
    parser.add_argument("--rows", type=int, default=1_000_000, help="signatures loaded for the scale test")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker (default 4)")
    parser.add_argument(
        "--server", default=os.environ.get("BENCH_POSTGRES", SERVER), help="PostgreSQL server URL"
    )
    parser.add_argument(
        "--redis", default=os.environ.get("BENCH_REDIS", REDIS), help="Redis URL (a database it may flush)"
    )
    parser.add_argument(
        "--runs",
        type=int,
        default=3,
        help="runs of each ceiling, stock, cached view and signing row; the median is kept",
    )
    parser.add_argument(
        "--quick", action="store_true", help="5 s runs, one of each, a 15 s spike, 100,000 rows"
    )
    parser.add_argument(
        "--cluster",
        action="store_true",
        help="instead: two app machines behind HAProxy, a machine killed, Redis and PostgreSQL failing under "
        "load (bench/cluster.py; its own options follow, e.g. --scenario machine)",
    )
    parser.add_argument(
        "--only",
        choices=["integrity"],
        help="just one part: 'integrity', signing with the integrity rules on against off (a few minutes; "
        "writes bench/results/integrity.md)",
    )
    args, rest = parser.parse_known_args()
    if args.cluster:
        from bench import cluster

        sys.argv = [sys.argv[0], *rest]
        raise SystemExit(cluster.main())
    if rest:
        parser.error(f"unrecognised arguments: {' '.join(rest)}")
    if args.quick:
        args.seconds, args.spike_seconds, args.rows, args.runs = 5, 15, 100_000, 1

    env = environment(args)
    os.environ.update(env)
    print(f"Preparing {DATABASE} (demo content, stock form page)…", flush=True)
    create_database(args)
    import django

    django.setup()
    ring = load_content()

    if args.only == "integrity":
        with Gunicorn(env, PORT, args.workers) as server:
            bench = Bench(args, server)
            integrity.only(bench, ring)
        text = report.report(bench)
        INTEGRITY_RESULTS.write_text(text)
        print("\n" + text)
        print(f"Written to {INTEGRITY_RESULTS.relative_to(ROOT)}")
        return
    with tempfile.TemporaryDirectory(prefix="campaigns-bench-") as folder:
        print(f"Generating the stock Wagtail site and the bare Django project under {folder}…", flush=True)
        page = {
            "title": ring.title,
            "intro": ring.ask + "<p>" + ring.summary + "</p>",
            "fields": setup.stock_fields(),
        }
        stock = baselines.stock_wagtail(Path(folder) / "stock", args.server, STOCK_PORT, args.workers, page)
        bare = baselines.bare_django(
            Path(folder) / "bare", args.server, BARE_PORT, args.workers, args.threads
        )
        with Gunicorn(env, PORT, args.workers) as server, stock, bare:
            bench = Bench(args, server)
            scenarios.run_all(bench, ring, stock, bare)
    baselines.drop_databases(args.server)
    exports.exports(bench, env, ring)
    text = report.report(bench)
    RESULTS.parent.mkdir(exist_ok=True)
    RESULTS.write_text(text)
    print("\n" + text)
    print(f"Written to {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
