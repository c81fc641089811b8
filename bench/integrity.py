"""The integrity rules' cost (issue 23): no-JS signing with the rules on as shipped against every rule off,
in alternated rounds; a row of `make bench` and, alone, `make bench ARGS="--only integrity"`."""

import time

from bench import wrk
from bench.server import cpu_seconds, cpu_used
from bench.setup import sign_body, sign_headers

# Every integrity rule switched off, as a Signature manager can (Settings → Signature integrity): no rates (no
# counters beside the signing rate limit's in its Redis round trip), no throwaway check, no fill time. Only the same-mailbox rule cannot be
# switched off, and it looks at Gmail addresses only, which the benchmark's signers do not have.
INTEGRITY_OFF = {
    "address_rates": "",
    "network_rates": "",
    "blocked_networks": "",
    "blocked_domains": "",
    "flag_disposable": False,
    "min_fill_seconds": 0,
}


def only(bench, ring):
    """`make bench ARGS="--only integrity"`: the integrity rules' cost alone, no baselines (the ratio is of
    this site with the rules on to itself with them off)."""
    print("\nThe integrity rules' cost: no-JS signing with them on and off, alternated", flush=True)
    cost(bench, ring, ring.url, bench.args.runs)


def cost(bench, ring, page, runs):
    """The integrity rules' cost (issue 23: at most 10 % of signing's rate): no-JS signing (the Ring petition as
    configured) with the rules on as shipped and with every rule off, alternated (on, off, on, off…: `runs`
    rounds of one wrk run each), so that the machine's drift falls on both alike; the run of median rate of
    each becomes a row, and their ratio a note. Each switch waits for every worker to read the settings again
    (integrity.judge.SETTINGS_TTL), half a minute."""
    results = {"on": [], "off": []}
    cpu_ms = {"on": [], "off": []}  # the gunicorn workers' CPU time per request, each run
    saved = None
    try:
        for run in range(runs):
            for state in ("on", "off"):
                if state == "off":
                    saved = _set_integrity(INTEGRITY_OFF)
                elif saved is not None:
                    _set_integrity(saved)
                    saved = None
                script = wrk.script_post(page, sign_body(), sign_headers(), f"integrity-{state}{run}")
                cpu_before = cpu_seconds(bench.server.workers())
                result = wrk.run(bench.server.base, script, bench.args.seconds)
                used = cpu_used(cpu_before, cpu_seconds(bench.server.workers()))
                cpu = used / max(result.requests, 1) * 1000
                results[state].append(result)
                cpu_ms[state].append(cpu)
                print(
                    f"  integrity rules {state} ({run + 1}/{runs}) {result.rate:>8.0f}/s  p50 {result.p50_ms:>7.1f} ms"
                    f"  p99 {result.p99_ms:>7.1f} ms  ok {result.ok}  4xx {result.client_errors}  "
                    f"5xx {result.server_errors}  worker CPU {cpu:.2f} ms per signature",
                    flush=True,
                )
    finally:
        if saved is not None:
            _set_integrity(saved)
    median = {}
    for state, label in (("on", "on as shipped"), ("off", "all off")):
        median[state] = sorted(results[state], key=lambda result: result.rate)[len(results[state]) // 2]
        bench.rows.append(
            (f"sign: no-JS form post (confirmation on), integrity rules {label}", median[state], "sign")
        )
    on, off = median["on"], median["off"]
    cpu = {state: sorted(values)[len(values) // 2] for state, values in cpu_ms.items()}
    bench.note(
        f"integrity rules: signing at {on.rate:.0f}/s with them on as shipped, {off.rate:.0f}/s with every rule "
        f"off ({runs} alternated rounds, medians): {on.rate / off.rate:.2f} of the rate (target ≥ 0.90); p50 "
        f"{on.p50_ms:.1f} against {off.p50_ms:.1f} ms. The workers' CPU time per signature (medians), which the "
        f"spread of wrk's connections over the workers does not move: {cpu['on']:.2f} ms with the rules on, "
        f"{cpu['off']:.2f} ms off ({cpu['off'] / cpu['on']:.2f} of the rate that CPU allows). On a shared machine "
        "the ratio moves with its load, as every figure here does"
    )


def _set_integrity(values):
    """Save the managers' integrity settings `values` ({field: value}) and wait until every worker uses them
    (each re-reads them at most every integrity.judge.SETTINGS_TTL seconds). Returns the values they had."""
    # Imported when called: the bench process sets Django up only after it has prepared the database.
    from integrity import judge
    from integrity.models import IntegritySettings

    settings = IntegritySettings.load()
    before = {name: getattr(settings, name) for name in values}
    for name, value in values.items():
        setattr(settings, name, value)
    settings.save()
    time.sleep(judge.SETTINGS_TTL + 1)
    return before
