"""`make bench`'s results as Markdown (bench/results/): the table, the targets, then what each check found."""

import io
import os
from datetime import UTC, datetime

from bench.setup import TARGETS


def report(bench):
    """The results as Markdown: the table, then what each check found."""
    out = io.StringIO()
    out.write(f"# `make bench` — {datetime.now(UTC):%Y-%m-%d %H:%M} UTC\n\n")
    out.write(
        f"gunicorn {bench.args.workers} workers × {bench.args.threads} threads (config/gunicorn.py), PostgreSQL, "
        f"Redis, production settings; wrk 2 threads, 16 connections, {bench.args.seconds} s per row (the spike: "
        f"64 connections, {bench.args.spike_seconds} s); the ceilings, the stock page, the cached views and "
        f"the signing rows: the run of median rate among {bench.args.runs}, with the answers and errors of "
        f"all {bench.args.runs}. {os.cpu_count()} cores; load average "
        f"{bench.load[0]:.1f} when it started, {os.getloadavg()[0]:.1f} at the end (anything else running on "
        "the machine shows here and skews every figure).\n\n"
    )
    out.write(
        "Baseline and ceiling are separate projects generated for the run (bench/baselines.py): **stock** is a "
        "`wagtail start` site with one form page of the campaign's six fields, its own settings and middleware, "
        f"{bench.args.workers} gunicorn workers (gunicorn's default sync worker); **bare** is a "
        "`django-admin startproject` project with startproject's middleware, one view storing one row with the "
        f"ORM and one returning 20 KB, gunicorn {bench.args.workers} × {bench.args.threads} gthread. Each serves "
        "from its own database on the same PostgreSQL. Page views are compared with their view rows, posts and "
        'signatures with their post rows. The rows "in this site\'s stack" are the old baseline and ceilings, '
        "served inside this site's processes with its middleware: what its stack costs before any campaign "
        "work.\n\n"
    )
    out.write("| scenario | req/s | p50 ms | p99 ms | × stock Wagtail | of bare Django | non-2xx/3xx |\n")
    out.write("|---|---:|---:|---:|---:|---:|---:|\n")
    for name, result, kind in bench.rows:
        family = "sign" if kind in ("sign", "spike") or "post" in name or "INSERT" in name else "view"
        if kind == "spike":
            family = "view"  # 90 % of it is page views
        stock = bench.stock.get(family)
        ceiling = bench.ceiling.get(family)
        ratio = f"{result.rate / stock.rate:.1f}×" if stock and kind not in ("stock", "ceiling") else ""
        fraction = f"{result.rate / ceiling.rate:.2f}" if ceiling and kind not in ("stock", "ceiling") else ""
        bad = result.client_errors + result.server_errors + result.socket_errors
        out.write(
            f"| {name} | {result.rate:,.0f} | {result.p50_ms:.1f} | {result.p99_ms:.1f} | {ratio} | {fraction} | {bad} |\n"
        )
    out.write("\nTargets: " + "; ".join(f"{k}: {v}" for k, v in TARGETS.items()) + ".\n\n")
    for note in bench.notes:
        out.write(f"- {note}\n")
    return out.getvalue()
