"""Run wrk (Debian's package) against the benchmark server and read its figures back.

Each run gets a small Lua script: how to make the next request (a page view, or a post with a new email and
a new client address each time), and a `done` hook that prints one JSON line with the figures (requests,
status classes counted per answer, latency percentiles), so nothing depends on parsing wrk's text.
"""

import itertools
import json
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

# Counts answers by status class, per thread, and prints the totals as JSON when wrk is done.
COMMON = r"""
local threads = {}
local next_id = 1
function setup(thread)
    thread:set("id", next_id)
    next_id = next_id + 1
    table.insert(threads, thread)
end
s2, s3, s4, s5, n = 0, 0, 0, 0, 0
function response(status, headers, body)
    if status < 300 then s2 = s2 + 1 elseif status < 400 then s3 = s3 + 1
    elseif status < 500 then s4 = s4 + 1 else s5 = s5 + 1 end
end
function done(summary, latency, requests)
    local t = {s2 = 0, s3 = 0, s4 = 0, s5 = 0}
    for _, thread in ipairs(threads) do
        for key, _ in pairs(t) do t[key] = t[key] + thread:get(key) end
    end
    local e = summary.errors
    io.write(string.format(
        'WRK-JSON {"requests": %d, "duration_us": %d, "s2": %d, "s3": %d, "s4": %d, "s5": %d, '
        .. '"socket_errors": %d, "p50_us": %d, "p90_us": %d, "p99_us": %d}\n',
        summary.requests, summary.duration, t.s2, t.s3, t.s4, t.s5,
        e.connect + e.read + e.write + e.timeout,
        latency:percentile(50), latency:percentile(90), latency:percentile(99)))
end
"""

# A post with a new email and a new client address (X-Forwarded-For, behind one trusted proxy) each time;
# `prefix` makes the emails of one run; running it again with the same prefix repeats the same signers. Each
# script gets its own block of addresses (10.x.y.BLOCK), so no client comes near the rate limit across runs,
# and consecutive posts come from different networks (/24), as a mailing's visitors do: the integrity rules'
# per-network rates (integrity/) still run on every post, and would hold a crowd from one /24 as a bot.
POST = r"""
function request()
    n = n + 1
    local k = n
    if POOL > 0 then k = (n - 1) % POOL + 1 end  -- the same POOL signers over and over: repeats
    local email = string.format("%s-%d-%d@example.org", PREFIX, id, k)
    local address = string.format("10.%d.%d.%d", n % 256, (id * 64 + math.floor(n / 256)) % 256, BLOCK)
    local body = string.format(BODY, email)
    local headers = {}
    for key, value in pairs(HEADERS) do headers[key] = value end
    headers["X-Forwarded-For"] = address
    return wrk.format("POST", PATH, headers, body)
end
"""

GET = r"""
function request()
    return wrk.format("GET", PATH, HEADERS)
end
"""

# Mostly views, now and then a signature: a mailing's spike.
MIXED = r"""
function request()
    n = n + 1
    if n % POST_EVERY == 0 then
        local email = string.format("%s-%d-%d@example.org", PREFIX, id, n)
        local headers = {}
        for key, value in pairs(POST_HEADERS) do headers[key] = value end
        headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", n % 256, math.floor(n / 256) % 256, 100 + id)
        return wrk.format("POST", PATH, headers, string.format(BODY, email))
    end
    return wrk.format("GET", PATH, HEADERS)
end
"""


@dataclass
class Result:
    requests: int
    seconds: float
    ok: int  # 2xx and 3xx answers
    client_errors: int
    server_errors: int
    socket_errors: int
    p50_ms: float
    p90_ms: float
    p99_ms: float

    @property
    def rate(self):
        return self.requests / self.seconds if self.seconds else 0.0


def _lua_string(value):
    return json.dumps(value)  # a JSON string is a valid Lua string literal for what we send


def _lua_table(mapping):
    return "{" + ", ".join(f"[{_lua_string(k)}] = {_lua_string(v)}" for k, v in mapping.items()) + "}"


def script_get(path, headers=None):
    return f"PATH = {_lua_string(path)}\nHEADERS = {_lua_table(headers or {})}\n" + GET + COMMON


_address_blocks = itertools.count(1)  # 10.100.x.y and up are the spike's (MIXED)


def script_post(path, body_template, headers, prefix, pool=0):
    """`body_template` holds one %s for the email (and %% for a literal %). With `pool`, each thread signs
    as the same `pool` people over and over (run it after a run with the same prefix: all repeats)."""
    return (
        f"PATH = {_lua_string(path)}\nBODY = {_lua_string(body_template)}\n"
        f"HEADERS = {_lua_table(headers)}\nPREFIX = {_lua_string(prefix)}\nPOOL = {pool}\n"
        f"BLOCK = {next(_address_blocks) % 100}\n" + POST + COMMON
    )


def script_mixed(path, body_template, get_headers, post_headers, prefix, post_every):
    return (
        f"PATH = {_lua_string(path)}\nBODY = {_lua_string(body_template)}\nHEADERS = {_lua_table(get_headers)}\n"
        f"POST_HEADERS = {_lua_table(post_headers)}\nPREFIX = {_lua_string(prefix)}\nPOST_EVERY = {post_every}\n"
        + MIXED
        + COMMON
    )


def run(base_url, script, seconds, connections=16, threads=2):
    """Run wrk with `script` for `seconds`; return its figures."""
    binary = shutil.which("wrk")
    if binary is None:
        raise SystemExit("wrk is not installed: apt-get install -y wrk")
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as file:
        file.write(script)
    try:
        output = subprocess.run(
            [
                binary,
                f"-t{threads}",
                f"-c{connections}",
                f"-d{seconds}s",
                "--timeout",
                "10s",
                "-s",
                file.name,
                base_url,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        Path(file.name).unlink()
    line = next(line for line in output.splitlines() if line.startswith("WRK-JSON "))
    figures = json.loads(line.removeprefix("WRK-JSON "))
    return Result(
        requests=figures["requests"],
        seconds=figures["duration_us"] / 1e6,
        ok=figures["s2"] + figures["s3"],
        client_errors=figures["s4"],
        server_errors=figures["s5"],
        socket_errors=figures["socket_errors"],
        p50_ms=figures["p50_us"] / 1000,
        p90_ms=figures["p90_us"] / 1000,
        p99_ms=figures["p99_us"] / 1000,
    )
