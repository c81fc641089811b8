"""What `make bench` measures (bench/run.py sets the stage): each scenario, its checks, and the report."""

import time

from bench import integrity, loading, wrk
from bench.setup import PORT, STOCK_HOST, STOCK_PORT, sign_body, sign_headers, stock_body, stock_headers


def run_all(bench, ring, stock, bare):
    """`stock` and `bare`: the running baseline projects (bench/baselines.Project)."""
    from campaigns.models.counter import signature_count

    page = ring.url
    print(
        "\nBaseline and ceiling: stock Wagtail and bare Django, each served by its own gunicorn", flush=True
    )
    runs = bench.args.runs  # the rows whose rates the targets compare: the median of `runs` runs each
    bench.ceiling["view"] = bench.measure(
        "bare Django: 20 KB view", wrk.script_get("/20k/"), "ceiling", runs=runs, base=bare.base
    )
    bench.ceiling["sign"] = bench.measure(
        "bare Django: one INSERT",
        lambda run: wrk.script_post(
            "/insert/", "email=%s", {"Content-Type": "application/x-www-form-urlencoded"}, f"c{run}"
        ),
        "ceiling",
        runs=runs,
        base=bare.base,
    )
    bench.stock["view"] = bench.measure(
        "stock Wagtail site: form page view",
        wrk.script_get("/petition/"),
        "stock",
        runs=runs,
        base=stock.base,
    )
    bench.stock["sign"] = bench.measure(
        "stock Wagtail site: form page post",
        lambda run: wrk.script_post(
            "/petition/", stock_body(), stock_headers(f"127.0.0.1:{STOCK_PORT}"), f"stock{run}"
        ),
        "stock",
        runs=runs,
        base=stock.base,
    )
    bench.note(_stock_submissions(bench.args.server, stock, bench.stock["sign"]))

    print("\nThe same, served inside this site's processes (its middleware, settings and apps)", flush=True)
    bench.measure("in this site's stack: bare 20 KB view", wrk.script_get("/bench/20k/"), "inprocess")
    bench.measure(
        "in this site's stack: one INSERT",
        wrk.script_post(
            "/bench/insert/", "email=%s", {"Content-Type": "application/x-www-form-urlencoded"}, "ci"
        ),
        "inprocess",
    )
    bench.measure(
        "in this site's stack: stock form page view",
        wrk.script_get("/stock/", {"Host": STOCK_HOST}),
        "inprocess",
    )
    bench.measure(
        "in this site's stack: stock form page post",
        wrk.script_post(
            "/stock/",
            stock_body(),
            {**stock_headers(STOCK_HOST), "Referer": f"http://{STOCK_HOST}/stock/"},
            "stocki",
        ),
        "inprocess",
    )

    print("\nPage views, from the page cache", flush=True)
    for name, url in (
        ("campaign page", page),
        ("home page", "/en-us/"),
        ("campaign list", "/en-us/campaigns/"),
    ):
        bench.measure(f"view: {name} (cached)", wrk.script_get(url), "view", runs=runs)

    print(
        "\nSigning the Ring petition as configured: confirmation by email (unique emails, a new client address each)",
        flush=True,
    )
    for name, prefix, json_reply in (
        ("sign: no-JS form post (confirmation on)", "form", False),
        ("sign: JSON post (confirmation on)", "json", True),
    ):
        _measure_signing(bench, ring, page, name, prefix, json_reply, runs)
    # At least five rounds: its ratio is a target, and single rounds of one state move by 10 %.
    integrity.cost(bench, ring, page, max(runs, 5))

    _set_confirmation(ring, False)
    print(
        "\nSigning the same petition with its confirmation switched off: each signature counts at once",
        flush=True,
    )
    for name, prefix, json_reply in (
        ("sign: no-JS form post (no confirmation)", "nform", False),
        ("sign: JSON post (no confirmation)", "njson", True),
    ):
        _measure_signing(bench, ring, page, name, prefix, json_reply, runs)
    bench.note(_exactness(bench.server.base, page, ring))
    _set_confirmation(ring, True)

    rows, count = _counts(ring)
    repeat = bench.measure(
        "sign again: the same emails (repeats)",
        lambda run: wrk.script_post(page, sign_body(), sign_headers(), "form0", pool=200),
        "sign",
        runs=runs,
    )
    rows_after, count_after = _counts(ring)
    bench.note(
        f"repeats: {repeat.ok} answered as signatures, rows stored {rows_after - rows}, count moved {count_after - count}"
    )

    print("\nCold render (page cache bypassed)", flush=True)
    cold = bench.measure("view: campaign page, not cached", wrk.script_get(page + "?nocache=1"), "cold")
    bench.note(_queries_of_a_cold_page(page))
    bench.note(
        f"cold campaign page: p50 {cold.p50_ms:.1f} ms against the stock site's {bench.stock['view'].p50_ms:.1f} ms; "
        f"{cold.rate:.0f} views/s against its {bench.stock['view'].rate:.0f}"
    )

    print(f"\nScale: {bench.args.rows:,} signatures stored", flush=True)
    loaded = loading.load_signatures(ring, bench.args.rows)
    bench.note(
        f"loaded {loaded:,} signatures with COPY; the count says {signature_count(ring.translation_key):,}"
    )
    cold_big = bench.measure(
        f"view: campaign page, not cached, {loaded:,} signatures", wrk.script_get(page + "?nocache=1"), "cold"
    )
    sign_small = next(r for n, r, _k in bench.rows if n == "sign: no-JS form post (confirmation on)")
    sign_big = bench.measure(
        f"sign: no-JS form post (confirmation on), {loaded:,} signatures",
        lambda run: wrk.script_post(page, sign_body(), sign_headers(), f"scale{run}"),
        "sign",
        runs=runs,
    )
    bench.scale = (cold.rate / cold_big.rate, sign_small.rate / sign_big.rate)
    bench.note(
        f"scale: time per request with {loaded:,} signatures against none: page view {bench.scale[0]:.2f}×, "
        f"signature {bench.scale[1]:.2f}× (target ≤ 1.1)"
    )

    print(
        f"\nA mailing's spike: 90 % views, 10 % signatures (confirmation on), 64 connections, {bench.args.spike_seconds} s",
        flush=True,
    )
    spike = bench.measure(
        "spike: 90 % views + 10 % signatures",
        wrk.script_mixed(page, sign_body(), {}, sign_headers(), "spike", post_every=10),
        "spike",
        connections=64,
        seconds=bench.args.spike_seconds,
    )
    bench.note(
        f"spike: {spike.server_errors} answers 5xx, {spike.socket_errors} socket errors, p99 {spike.p99_ms:.0f} ms"
    )


def _set_confirmation(ring, required):
    """Publish the Ring petition asking, or not asking, signers to confirm by email (as an editor would)."""
    from campaigns.models.pages import CampaignPage

    page = CampaignPage.objects.get(pk=ring.pk)
    page.confirmation_required = required
    page.save_revision().publish()
    ring.confirmation_required = required
    time.sleep(1.5)  # every worker re-reads the content generation at most once a second


def _measure_signing(bench, ring, page, name, prefix, json_reply, runs):
    """A signing row and its checks: rows stored, the count's move (all of them when signatures count at
    once, none while they wait for confirmation) and the follow-up tasks queued (one per signing: it is the
    worker that sends the confirmation mail)."""
    rows, count = _counts(ring)
    tasks = _tasks()
    result = bench.measure(
        name,
        lambda run: wrk.script_post(page, sign_body(), sign_headers(json_reply), f"{prefix}{run}"),
        "sign",
        runs=runs,
    )
    rows_after, count_after = _counts(ring)
    stored, moved, queued = rows_after - rows, count_after - count, _tasks() - tasks
    # wrk stops with up to one request per connection still being answered: those are stored but not
    # among its answers. Rows = count moved must hold exactly; the exactness check counts every answer.
    expected = 0 if ring.confirmation_required else stored
    bench.note(
        f"{name}: rows stored {stored}, count moved {moved} ({'as it should' if moved == expected else 'WRONG'}: "
        f"{'unconfirmed signatures wait' if ring.confirmation_required else 'each counts at once'}), "
        f"follow-up tasks queued {queued} ({'one each' if queued == stored else 'NOT one each'}); "
        f"2xx/3xx answers {result.ok} (+{stored - result.ok} still in flight when wrk stopped)"
    )


def _tasks():
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.count()


def _stock_submissions(server, stock, result):
    """How many submissions the stock site stored against the posts it answered 2xx/3xx."""
    import psycopg

    with psycopg.connect(f"{server}/{stock.env['BENCH_DATABASE_NAME']}") as connection:
        stored = connection.execute("SELECT count(*) FROM wagtailforms_formsubmission").fetchone()[0]
    return (
        f"stock Wagtail site: {stored} submissions stored, {result.ok} posts answered 2xx/3xx in all "
        "its runs (the difference: posts still in flight when wrk stopped)"
    )


def _counts(ring):
    """Rows and the stored count, once the server has answered everything it was sent."""
    from campaigns.models.counter import signature_count
    from campaigns.models.signature import Signature

    time.sleep(1)
    return Signature.objects.count(), signature_count(ring.translation_key)


def _exactness(base, page, ring, clients=16, each=150):
    """Every answer counted: `clients` threads post `each` new signatures (no-JS form posts) and count the
    2xx/3xx answers; rows stored, answers and the count's move must be the same number."""
    import http.client
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlsplit

    host, port = urlsplit(base).hostname, urlsplit(base).port
    rows, count = _counts(ring)

    def client(number):
        connection = http.client.HTTPConnection(host, port, timeout=30)
        ok = 0
        for n in range(each):
            body = sign_body() % f"exact-{number}-{n}@example.org"
            headers = {**sign_headers(), "X-Forwarded-For": f"10.{n}.{number}.200"}
            connection.request("POST", page, body=body, headers=headers)
            response = connection.getresponse()
            response.read()
            ok += response.status < 400
        connection.close()
        return ok

    with ThreadPoolExecutor(clients) as pool:
        answers = sum(pool.map(client, range(clients)))
    rows_after, count_after = _counts(ring)
    same = rows_after - rows == answers == count_after - count == clients * each
    return (
        f"exactness: {clients} clients × {each} signatures: {answers} answered 2xx/3xx, rows stored "
        f"{rows_after - rows}, count moved {count_after - count} ({'all equal' if same else 'NOT EQUAL'})"
    )


def _queries_of_a_cold_page(url):
    """Queries of one render with the page cache bypassed: in steady state, and right after a publish."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from serving import generation

    client = Client(HTTP_HOST=f"127.0.0.1:{PORT}")
    generation.bump()
    with CaptureQueriesContext(connection) as after_publish:
        client.get(url, {"nocache": "2"})
    with CaptureQueriesContext(connection) as steady:
        client.get(url, {"nocache": "3"})
    return f"cold campaign page: {len(steady)} SQL queries ({len(after_publish)} in the first render after a publish)"
