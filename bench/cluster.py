"""Two machines, one site; and the shared parts failing under load. `make bench ARGS=--cluster` or:

    .venv/bin/python bench/cluster.py                      # every scenario, about 4 minutes
    .venv/bin/python bench/cluster.py --scenario machine   # or: publish, machine, redis, postgres

It starts everything it uses on ports of its own, on this machine, and stops it at the end: a throwaway
PostgreSQL (initdb in a temporary folder) and Redis, two app "machines" (two gunicorn masters with
config/gunicorn.py and the production settings, each with its own workers and port) and Debian's HAProxy
with deploy/haproxy.cfg in front. The machine's own PostgreSQL and Redis are never touched.

Scenarios, each printing what it checked, with numbers:
- publish: a publish is seen on both machines (asked directly, not through HAProxy) within seconds;
- machine: signers sign through HAProxy; one machine's master and workers are killed with SIGKILL; HAProxy's
  health check takes it out; the survivor carries the load. Then: every signature answered 2xx/3xx is
  stored, none twice, and the stored count equals the rows; the machine is started again and taken back;
- redis: Redis stopped for 30 s while people view and sign: pages and signing go on, no 5xx, the rate limit
  still refuses one client's flood (counted in each process's memory meanwhile, as campaigns/ratelimit.py
  says);
- postgres: PostgreSQL restarted while people sign: 503 with Retry-After while it is down, never a 500,
  nothing half-stored, and signing comes back by itself.

The load comes from Python threads (each signer keeps its connection and records the email of every answer),
not wrk: which signatures were answered, and how, is what is checked.

Longer than 400 lines, for a reason: it is one script that the engineer on call reads top to bottom (the
throwaway parts it starts, the load, then each scenario beside the checks it prints); split, one failure
scenario would be read across several files.
"""

import argparse
import collections
import http.client
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

PG_BIN = Path("/usr/lib/postgresql/15/bin")
PG_PORT = 18532
REDIS_PORT = 18379
LB_PORT = 18800
APP_PORTS = (18801, 18802)
DATABASE = "campaigns_cluster"
HAPROXY_CONFIG = ROOT / "deploy" / "haproxy.cfg"


RESULTS = ROOT / "bench" / "results" / "cluster.md"
_lines = []


def log(text):
    print(text, flush=True)
    _lines.append(text)


# The shared parts: throwaway PostgreSQL and Redis


class Postgres:
    """A PostgreSQL cluster of its own in `folder`, on PG_PORT; run as the postgres user when we are root
    (initdb refuses root)."""

    def __init__(self, folder):
        self.folder = folder
        self.data = folder / "pgdata"
        self.url = f"postgres://postgres@127.0.0.1:{PG_PORT}"

    def _run(self, *command, check=True):
        if os.geteuid() == 0:
            command = ("runuser", "-u", "postgres", "--", *command)
        result = subprocess.run(command, capture_output=True, text=True)
        if check and result.returncode:
            raise SystemExit(f"{command[-1]} failed: {result.stderr or result.stdout}")
        return result

    def create(self):
        self.folder.mkdir(parents=True, exist_ok=True)
        if os.geteuid() == 0:  # the postgres user needs to reach its folder (mkdtemp's parent is 0700)
            shutil.chown(self.folder, "postgres")
            shutil.chown(self.folder.parent, "postgres")
        self._run(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8"
        )
        self.start()

    def start(self):
        self._run(
            str(PG_BIN / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.folder / "postgres.log"),
            "-w",
            "-o",
            f"-p {PG_PORT} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=200",
            "start",
        )

    def stop(self, mode="fast"):
        self._run(str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "stop", check=False)


class Redis:
    def __init__(self, folder):
        self.folder = folder
        self.url = f"redis://127.0.0.1:{REDIS_PORT}/0"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(REDIS_PORT),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
            ],
            cwd=self.folder,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                socket.create_connection(("127.0.0.1", REDIS_PORT), timeout=0.2).close()
                return
            except OSError:
                time.sleep(0.05)
        raise SystemExit("redis-server did not start")

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


# The app machines and the balancer


def app_environment(postgres, redis):
    return {
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DATABASE_URL": f"{postgres.url}/{DATABASE}",
        "REDIS_URL": redis.url,
        "SECRET_KEY": "cluster-only-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz",
        "SECURE_SSL_REDIRECT": "false",
        "BASE_URL": f"http://127.0.0.1:{LB_PORT}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DEFAULT_FROM_EMAIL": "Bench <bench@example.org>",
        "EMAIL_URL": "smtp://127.0.0.1:2525",  # mails are queued; no worker runs here
        "AWS_STORAGE_BUCKET_NAME": "bench-media",
        # The load generator stands for many visitors behind a CDN (one proxy), then HAProxy (a second).
        "TRUSTED_PROXIES": "2",
        "LOG_LEVEL": "WARNING",
        "WEB_CONCURRENCY": "2",  # two "machines" share this machine's two cores
        "WEB_THREADS": "4",
    }


class Machine:
    """One app machine: a gunicorn master with config/gunicorn.py on its own port, and its workers."""

    def __init__(self, name, port, env, folder):
        self.name, self.port = name, port
        self.env = {**os.environ, **env, "PORT": str(port), "RUN_DIR": str(folder / name)}
        self.base = f"http://127.0.0.1:{port}"
        self.logfile = folder / f"{name}.log"
        self.process = None

    def start(self):
        self.process = subprocess.Popen(
            [
                str(ROOT / ".venv" / "bin" / "gunicorn"),
                "-c",
                str(ROOT / "config" / "gunicorn.py"),
                "config.wsgi",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=self.logfile.open("ab"),
            stderr=subprocess.STDOUT,
        )
        started = time.monotonic()
        while time.monotonic() - started < 60:
            if get(self.port, "/healthz")[0] == 200:
                return time.monotonic() - started
            time.sleep(0.1)
        raise SystemExit(f"{self.name} did not start (see {self.logfile})")

    def workers(self):
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()] if path.exists() else []

    def kill(self):
        """SIGKILL the master and every worker at once, as a machine that loses its power."""
        pids = [self.process.pid, *self.workers()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.process.wait()
        return pids

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(30)
            except subprocess.TimeoutExpired:
                self.kill()


class HAProxy:
    def __init__(self, folder, machines):
        self.socket = folder / "haproxy.sock"
        self.env = {
            **os.environ,
            "HAPROXY_BIND": f"127.0.0.1:{LB_PORT}",
            "HAPROXY_STATS_SOCKET": str(self.socket),
            "APP1": f"127.0.0.1:{machines[0].port}",
            "APP2": f"127.0.0.1:{machines[1].port}",
        }
        self.process = None

    def start(self):
        binary = shutil.which("haproxy") or "/usr/sbin/haproxy"
        if not Path(binary).exists():
            raise SystemExit("HAProxy is not installed: apt-get install -y haproxy")
        self.process = subprocess.Popen([binary, "-db", "-f", str(HAPROXY_CONFIG)], env=self.env)
        for _ in range(100):
            if self.socket.exists() and all(state == "UP" for state in self.states().values()):
                return
            time.sleep(0.1)
        raise SystemExit(f"HAProxy did not see both machines up: {self.states()}")

    def states(self):
        """{"app1": "UP", "app2": "DOWN", …} from `show stat`."""
        try:
            with socket.socket(socket.AF_UNIX) as client:
                client.connect(str(self.socket))
                client.sendall(b"show stat\n")
                data = b""
                while chunk := client.recv(65536):
                    data += chunk
        except OSError:
            return {}
        lines = data.decode().splitlines()
        header = lines[0].lstrip("# ").split(",")
        states = {}
        for line in lines[1:]:
            row = dict(zip(header, line.split(","), strict=False))
            if row.get("pxname") == "app" and row.get("svname") not in ("BACKEND", "FRONTEND", None):
                states[row["svname"]] = row["status"].split(" ")[0]
        return states

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def get(port, path, headers=None, timeout=5):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, response.read()
    except OSError:
        return None, b""
    finally:
        connection.close()


# The load: signers and viewers, every answer recorded


class Load:
    """`signers` threads signing (each a new email and client address) and `viewers` threads viewing the
    page, all through HAProxy on kept-alive connections. Every answer is recorded: (time, kind, status or
    None for a connection that failed, the email, Retry-After)."""

    def __init__(self, page, prefix, signers=12, viewers=4, port=LB_PORT):
        self.page, self.prefix, self.port = page, prefix, port
        self.signers, self.viewers = signers, viewers
        self.answers = []
        self.lock = threading.Lock()
        self.stopping = threading.Event()
        self.threads = []

    def __enter__(self):
        self.started = time.monotonic()
        for number in range(self.signers):
            self.threads.append(threading.Thread(target=self._sign, args=(number,), daemon=True))
        for number in range(self.viewers):
            self.threads.append(threading.Thread(target=self._view, args=(number,), daemon=True))
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stopping.set()
        for thread in self.threads:
            thread.join(30)

    def now(self):
        return time.monotonic() - self.started

    def _record(self, kind, status, email=None, retry_after=None):
        with self.lock:
            self.answers.append((self.now(), kind, status, email, retry_after))

    def _sign(self, number):
        connection = None
        n = 0
        while not self.stopping.is_set():
            n += 1
            email = f"{self.prefix}-{number}-{n}@example.org"
            body = f"first_name=Ada&last_name=Cluster&email={email}&country=US&postal_code=10001"
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{LB_PORT}",
                # a new visitor's address and network (/24) each time: never near the rate limits
                "X-Forwarded-For": f"10.{n & 255}.{(n >> 8) & 255}.{number + 1}",
            }
            try:
                connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                connection.request("POST", self.page, body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                self._record("sign", response.status, email, response.getheader("Retry-After"))
            except (OSError, http.client.HTTPException):
                self._record("sign", None, email)
                if connection:
                    connection.close()
                connection = None
                time.sleep(0.05)

    def _view(self, number):
        connection = None
        while not self.stopping.is_set():
            try:
                connection = connection or http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
                connection.request("GET", self.page)
                response = connection.getresponse()
                response.read()
                self._record("view", response.status)
            except (OSError, http.client.HTTPException):
                self._record("view", None)
                if connection:
                    connection.close()
                connection = None
                time.sleep(0.05)

    def tally(self, kind, start=0.0, end=float("inf")):
        """{"2xx/3xx": n, "429": n, "503": n, "5xx other": n, "failed": n, "other": n, "rate": n/s}."""
        counts = collections.Counter()
        for at, what, status, _email, _retry in self.answers:
            if what != kind or not start <= at < end:
                continue
            if status is None:
                counts["failed"] += 1
            elif status < 400:
                counts["2xx/3xx"] += 1
            elif status in (429, 503):
                counts[str(status)] += 1
            elif status >= 500:
                counts["5xx other"] += 1
                counts[f"({status})"] += 1
            else:
                counts["other"] += 1
        span = min(end, self.now()) - start
        counts["rate"] = round(counts["2xx/3xx"] / span) if span > 0 else 0
        return counts

    def per_second(self, kind="sign"):
        seconds = collections.Counter(
            int(at) for at, what, status, *_ in self.answers if what == kind and status and status < 400
        )
        return [seconds.get(second, 0) for second in range(int(self.now()) + 1)]

    def emails(self, ok=True):
        return {
            email
            for _at, what, status, email, _retry in self.answers
            if what == "sign" and (status is not None and status < 400) == ok
        }


def show(label, counts):
    parts = [f"{key} {value}" for key, value in counts.items() if value and key != "rate"]
    log(f"  {label}: {', '.join(parts) or 'nothing'}; {counts['rate']}/s answered 2xx/3xx")


# What is checked against the database


def integrity(ring, load, label):
    """Every signature answered 2xx/3xx is stored; none is stored twice; the count equals the counted rows.
    Returns whether all held."""
    from django.db import connection

    from campaigns.models.counter import signature_count
    from campaigns.models.signature import Signature

    connection.close()  # the database may have restarted since this process last asked
    answered = load.emails(ok=True)
    unanswered = load.emails(ok=False)
    rows = list(
        Signature.objects.filter(
            campaign_key=ring.translation_key, email__startswith=load.prefix + "-"
        ).values_list("email", flat=True)
    )
    stored = set(rows)
    lost = answered - stored
    duplicates = len(rows) - len(stored)
    counted = Signature.objects.filter(campaign_key=ring.translation_key, counted=True).count()
    count = signature_count(ring.translation_key)
    tasks = _follow_ups(Signature.objects.filter(email__in=stored).values_list("pk", flat=True))
    ok = not lost and not duplicates and count == counted and tasks == len(stored)
    log(
        f"  {label}: {len(answered)} signatures answered 2xx/3xx, {len(lost)} of them not stored (lost); "
        f"{len(stored)} rows stored from this load, {duplicates} stored twice; "
        f"{len(stored & unanswered)} stored of the {len(unanswered)} answered otherwise or not at all; "
        f"the count says {count:,}, counted rows {counted:,} ({'equal' if count == counted else 'NOT EQUAL'}); "
        f"{tasks} of the {len(stored)} stored have their follow-up task "
        f"→ {'all held' if ok else 'FAILED'}"
    )
    return ok


def _follow_ups(ids):
    """How many of the signature ids `ids` have a follow-up task queued (campaigns.signing.follow_up)."""
    from django_tasks_db.models import DBTaskResult

    ids = set(ids)
    found = set()
    for args in DBTaskResult.objects.filter(task_path__endswith="follow_up").values_list(
        "args_kwargs", flat=True
    ):
        arguments = args.get("args") or []
        if arguments and arguments[0] in ids:
            found.add(arguments[0])
    return len(found)


# The scenarios


def scenario_publish(ring, machines):
    """Publish a new title, as the admin's Publish does, and ask each machine directly until it shows it."""
    from campaigns.models.pages import CampaignPage

    for machine in machines:  # each machine has the page in its cache (memory and Redis)
        get(machine.port, ring.url)
    page = CampaignPage.objects.get(pk=ring.pk)
    title = f"{page.title.split(' [')[0]} [published {time.strftime('%H:%M:%S')}]"
    page.title = title
    page.save_revision().publish()
    published = time.monotonic()
    seen = {}
    while len(seen) < len(machines) and time.monotonic() - published < 30:
        for machine in machines:
            if machine.name not in seen and title.encode() in get(machine.port, ring.url)[1].replace(
                b"&#x27;", b"'"
            ):
                seen[machine.name] = time.monotonic() - published
        time.sleep(0.05)
    both = len(seen) == len(machines)
    log(
        "publish: a new title published; "
        + ", ".join(f"{name} showed it after {seconds:.2f} s" for name, seconds in seen.items())
        + ("" if both else f"; NOT seen on {[m.name for m in machines if m.name not in seen]} within 30 s")
    )
    return both


def scenario_machine(ring, machines, haproxy, seconds=30, kill_at=8):
    """Kill machine 1 (master and workers, SIGKILL) during a signing spike through HAProxy."""
    victim, survivor = machines
    log(f"machine: {seconds} s of signing through HAProxy; {victim.name} killed with SIGKILL at {kill_at} s")
    with Load(ring.url, f"kill{int(time.time())}") as load:
        time.sleep(kill_at)
        killed_at = load.now()
        pids = victim.kill()
        out_at = None
        while load.now() < seconds:
            if out_at is None and haproxy.states().get("app1") not in ("UP", None):
                out_at = load.now()
            time.sleep(0.1)
    log(f"  killed {victim.name}'s master and {len(pids) - 1} workers (SIGKILL) at {killed_at:.1f} s")
    log(
        f"  HAProxy took {victim.name} out after {out_at - killed_at:.1f} s"
        if out_at
        else "  HAProxy did NOT take it out"
    )
    show("signing before the kill", load.tally("sign", 0, killed_at))
    show("signing between the kill and its removal", load.tally("sign", killed_at, out_at or seconds))
    show("signing on the survivor alone", load.tally("sign", out_at or seconds, seconds))
    show("page views, the whole run", load.tally("view"))
    log(f"  signatures answered 2xx/3xx per second: {load.per_second()}")
    held = integrity(ring, load, "after the kill")
    after = load.tally("sign", out_at or seconds, seconds)
    carried = after["2xx/3xx"] > 0 and not (after["503"] + after["5xx other"] + after["failed"])
    log(
        f"  the survivor carried the load: {'yes' if carried else 'NO'} "
        f"({after['2xx/3xx']} signatures, {after['503'] + after['5xx other'] + after['failed']} failed, after the removal)"
    )
    started = time.monotonic()
    victim.start()
    while haproxy.states().get("app1") != "UP" and time.monotonic() - started < 60:
        time.sleep(0.1)
    log(f"  {victim.name} started again: HAProxy took it back after {time.monotonic() - started:.1f} s")
    return held and carried and out_at is not None and (out_at - killed_at) < 5


def scenario_redis(ring, redis, seconds=50, stop_at=10, outage=30):
    from campaigns import ratelimit

    log(
        f"redis: {seconds} s of viewing and signing through HAProxy; Redis stopped at {stop_at} s for {outage} s"
    )
    with Load(ring.url, f"redis{int(time.time())}") as load:
        time.sleep(stop_at)
        stopped_at = load.now()
        redis.stop()
        time.sleep(outage / 2)
        flood = _flood(ring.url, ratelimit.parse_rate(_setting("SIGN_RATE_LIMIT"))[0])
        time.sleep(max(0, stopped_at + outage - load.now()))
        redis.start()
        started_at = load.now()
        time.sleep(max(0, seconds - load.now()))
    for kind in ("sign", "view"):
        show(f"{kind}: before", load.tally(kind, 0, stopped_at))
        show(f"{kind}: Redis down", load.tally(kind, stopped_at, started_at))
        show(f"{kind}: Redis back", load.tally(kind, started_at, seconds + 10))
    log(f"  signatures answered 2xx/3xx per second: {load.per_second()}")
    log(
        f"  rate limit while Redis was down: one client's {sum(flood.values())} attempts got "
        + ", ".join(f"{count}× {status}" for status, count in sorted(flood.items()))
    )
    flood_after = _flood(ring.url, ratelimit.parse_rate(_setting("SIGN_RATE_LIMIT"))[0], client="192.0.2.201")
    log(
        f"  rate limit with Redis back: one client's {sum(flood_after.values())} attempts got "
        + ", ".join(f"{count}× {status}" for status, count in sorted(flood_after.items()))
    )
    held = integrity(ring, load, "after the Redis outage")
    server_errors = sum(load.tally(kind)["5xx other"] + load.tally(kind)["503"] for kind in ("sign", "view"))
    down_ok = (
        load.tally("sign", stopped_at, started_at)["2xx/3xx"]
        and load.tally("view", stopped_at, started_at)["2xx/3xx"]
    )
    return held and not server_errors and bool(down_ok) and flood.get(429, 0) > 0


def scenario_postgres(ring, postgres, seconds=35, stop_at=8, outage=8):
    log(
        f"postgres: {seconds} s of signing through HAProxy; PostgreSQL stopped at {stop_at} s, started {outage} s later"
    )
    with Load(ring.url, f"pg{int(time.time())}", viewers=2) as load:
        time.sleep(stop_at)
        stopped_at = load.now()  # pg_ctl waits for the shutdown: its seconds count as "down"
        postgres.stop()
        time.sleep(outage)
        postgres.start()
        started_at = load.now()
        time.sleep(max(0, seconds - load.now()))
    first_after = min(
        (
            at
            for at, what, status, *_ in load.answers
            if what == "sign" and at >= started_at and status and status < 400
        ),
        default=None,
    )
    for label, start, end in (
        ("before", 0, stopped_at),
        ("PostgreSQL down", stopped_at, started_at),
        ("PostgreSQL back", started_at, seconds + 10),
    ):
        show(f"sign: {label}", load.tally("sign", start, end))
    with_retry = sum(
        1 for _at, what, status, _e, retry in load.answers if what == "sign" and status == 503 and retry
    )
    all_503 = sum(1 for _at, what, status, *_ in load.answers if what == "sign" and status == 503)
    log(f"  503 answers with Retry-After: {with_retry} of {all_503}")
    log(
        f"  first signature stored after the restart: {first_after - started_at:.1f} s after PostgreSQL was back"
        if first_after
        else "  NO signature stored after the restart"
    )
    log(f"  signatures answered 2xx/3xx per second: {load.per_second()}")
    held = integrity(ring, load, "after the restart")
    tally = load.tally("sign")
    return held and not tally["5xx other"] and with_retry == all_503 and first_after is not None


def _flood(page, limit, client="192.0.2.200"):
    """One client (one address) signing 3 × the limit as different people, through HAProxy: {status: n}."""
    statuses = collections.Counter()
    connection = http.client.HTTPConnection("127.0.0.1", LB_PORT, timeout=30)
    for n in range(3 * limit):
        email = f"flood-{client}-{time.time_ns()}-{n}@example.org"
        connection.request(
            "POST",
            page,
            body=f"first_name=Flo&last_name=Od&email={email}&country=US&postal_code=10001",
            headers={
                "Content-Type": "application/x-www-form-urlencoded",
                "Origin": f"http://127.0.0.1:{LB_PORT}",
                "X-Forwarded-For": client,
            },
        )
        response = connection.getresponse()
        response.read()
        statuses[response.status] += 1
    connection.close()
    return statuses


def _setting(name):
    from django.conf import settings

    return getattr(settings, name)


# Setting the stage


def prepare(env):
    """Migrate the throwaway database, load the demo and static files; the Ring petition counts each signature
    at once here (confirmation off), so the count can be compared with the rows."""
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    from campaigns.models.pages import CampaignPage

    call_command("migrate", verbosity=0)
    call_command("load_demo", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("set_site_address", stdout=open(os.devnull, "w"))  # noqa: SIM115
    call_command("collectstatic", "--noinput", verbosity=0)
    ring = CampaignPage.objects.get(slug="amazon-ring", locale__language_code="en-us")
    ring.confirmation_required = False
    ring.save_revision().publish()
    return ring


def main():
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scenario",
        action="append",
        choices=("publish", "machine", "redis", "postgres"),
        help="run only these (repeatable); default: all",
    )
    parser.add_argument("--keep", action="store_true", help="keep the folder with every process's log")
    args = parser.parse_args()
    scenarios = args.scenario or ["publish", "machine", "redis", "postgres"]
    load = os.getloadavg()

    folder = Path(tempfile.mkdtemp(prefix="campaigns-cluster-"))
    postgres, redis = Postgres(folder / "postgres"), Redis(folder)
    machines = []
    haproxy = None
    results = {}
    try:
        log(f"Throwaway PostgreSQL on {PG_PORT} and Redis on {REDIS_PORT} (in {folder})…")
        postgres.create()
        subprocess.run(
            [str(PG_BIN / "createdb"), "-h", "127.0.0.1", "-p", str(PG_PORT), "-U", "postgres", DATABASE],
            check=True,
        )
        redis.start()
        env = app_environment(postgres, redis)
        log("Migrating and loading the demo…")
        ring = prepare(env)
        machines = [Machine(f"app{n + 1}", port, env, folder) for n, port in enumerate(APP_PORTS)]
        for machine in machines:
            log(f"{machine.name}: gunicorn on {machine.port}, ready after {machine.start():.1f} s")
        haproxy = HAProxy(folder, machines)
        haproxy.start()
        log(f"HAProxy on {LB_PORT} (deploy/haproxy.cfg): {haproxy.states()}\n")
        for name in scenarios:
            if name == "publish":
                results[name] = scenario_publish(ring, machines)
            elif name == "machine":
                results[name] = scenario_machine(ring, machines, haproxy)
            elif name == "redis":
                results[name] = scenario_redis(ring, redis)
            elif name == "postgres":
                results[name] = scenario_postgres(ring, postgres)
            log("")
    finally:
        if haproxy:
            haproxy.stop()
        for machine in machines:
            machine.stop()
        redis.stop()
        postgres.stop("immediate")
        if args.keep:
            log(f"Logs kept in {folder}")
        else:
            shutil.rmtree(folder, ignore_errors=True)
    log("Summary: " + "; ".join(f"{name} {'held' if ok else 'FAILED'}" for name, ok in results.items()))
    if set(scenarios) == {"publish", "machine", "redis", "postgres"}:
        RESULTS.write_text(
            f"# `make bench ARGS=--cluster` — {time.strftime('%Y-%m-%d %H:%M', time.gmtime())} UTC\n\n"
            f"{os.cpu_count()} cores, load average {load[0]:.1f} at the start and {os.getloadavg()[0]:.1f} at the "
            "end (other work on the machine slows every rate here; the checks do not depend on it).\n\n"
            "```\n" + "\n".join(_lines) + "\n```\n"
        )
    return 0 if all(results.values()) else 1


if __name__ == "__main__":
    sys.exit(main())
