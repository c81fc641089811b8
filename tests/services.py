"""Real services for the tests that make them fail, each on a free port, started and stopped by the test.

Nothing here stops or touches the shared PostgreSQL or Redis: a database outage is a TCP proxy in front of
PostgreSQL that the test closes, a Redis outage is a redis-server of the test's own that it kills, an SMTP
outage is an aiosmtpd server that is not listening yet (or says "try later", or hangs). The app and the
worker run as real processes, with production settings, against the test database.
"""

import asyncio
import http.client
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from email import message_from_bytes
from pathlib import Path

import pytest
import redis
from django.core.cache.backends.base import default_key_func
from django.db import connection
from wagtail.models.sites import SITE_ROOT_PATHS_CACHE_KEY, SITE_ROOT_PATHS_CACHE_VERSION

from tests.conftest import REDIS_URL

ROOT = Path(__file__).resolve().parent.parent
HOST = "campaigns.example.org"  # the production site's name, as a load balancer passes it on
SECRET_KEY = "production-test-key-9f3b1c7e5a2d4f6b8c0e1a3c5e7f9b1d3f5a7c9e1b3d5f7a9c"


def missing(message):
    """A service a test needs is not there: fail in CI, skip elsewhere (see tests/conftest.py)."""
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout=20.0, message="condition", interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {message}")


def port_open(port):
    try:
        socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
        return True
    except OSError:
        return False


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self):
        return self.body.decode()


def request(port, path, method="GET", headers=None, body=None, timeout=30):
    """One HTTP request, redirects not followed, as the load balancer in front of production sends it."""
    headers = {"Host": HOST, "X-Forwarded-Proto": "https", **(headers or {})}
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        return Response(response.status, response.headers, response.read())
    finally:
        conn.close()


# PostgreSQL behind a proxy the test can close.


class TcpProxy:
    """Forwards a local port to PostgreSQL. `stop()` is an outage as the app sees one: open connections are
    cut and new ones refused; `start()` brings the database back on the same port."""

    def __init__(self, target_port, port=None):
        self.target_port = target_port
        self.port = port or free_port()
        self._listener = None
        self._sockets = set()
        self._lock = threading.Lock()

    def start(self):
        listener = socket.socket()
        listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", self.port))
        listener.listen(64)
        self._listener = listener
        threading.Thread(target=self._accept, args=(listener,), daemon=True).start()
        return self

    def stop(self):
        if self._listener is not None:
            try:  # wakes the thread blocked in accept(); close() alone leaves the port listening on Linux
                self._listener.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            self._listener.close()
            self._listener = None
        with self._lock:
            for sock in self._sockets:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                sock.close()
            self._sockets.clear()

    def _accept(self, listener):
        while True:
            try:
                client, _address = listener.accept()
            except OSError:
                return
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target_port))
            except OSError:
                client.close()
                continue
            with self._lock:
                self._sockets.update((client, upstream))
            for source, target in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(source, target), daemon=True).start()

    @staticmethod
    def _pipe(source, target):
        try:
            while data := source.recv(65536):
                target.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, target):
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass


# Redis of the test's own.


class RedisServer:
    def __init__(self, port=None):
        self.port = port or free_port()
        self.process = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        binary = shutil.which("redis-server")
        if binary is None:
            missing("test needs redis-server (apt-get install -y redis-server)")
        self.process = subprocess.Popen(
            [binary, "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(lambda: port_open(self.port), message=f"redis-server on port {self.port}")
        return self

    def kill(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)
        wait_for(lambda: not port_open(self.port), message="redis-server to stop")


class HungServer:
    """A TCP server that accepts every connection and never answers: a Redis (or anything) that hangs rather
    than refuses. `connections` counts the clients that came and waited on it."""

    def __init__(self):
        self.listener = socket.create_server(("127.0.0.1", 0), backlog=64)
        self.port = self.listener.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.accepted = []
        threading.Thread(target=self._accept, daemon=True).start()

    @property
    def connections(self):
        return len(self.accepted)

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return  # closed
            self.accepted.append(client)  # kept open, never read or answered

    def close(self):
        self.listener.close()
        for client in self.accepted:
            client.close()


# SMTP.


class SmtpHandler:
    """aiosmtpd handler with four moods: "accept" keeps each message, "refuse" answers DATA with 451 (try
    later), "stall" hangs in DATA until the mood changes (a worker can be killed in the middle of a mail),
    "drop" reads the whole message and then closes the connection instead of answering (a relay that went
    away just before saying it took the mail: the sender cannot know). `cut_off` keeps every message that
    was dropped or began to stall, as it came (its sender may be killed before any answer)."""

    def __init__(self):
        self.mood = "accept"
        self.messages = []
        self.cut_off = []
        self.in_data = threading.Event()

    async def handle_DATA(self, server, session, envelope):
        self.in_data.set()
        if self.mood in ("drop", "stall"):
            self.cut_off.append(message_from_bytes(envelope.content))
        if self.mood == "drop":
            server.transport.close()
            return "421 4.4.2 Connection dropped"  # written to a closed connection: never read
        while self.mood == "stall":
            await asyncio.sleep(0.05)
        if self.mood != "accept":  # the stalled session ends without the mail being taken
            return "451 4.3.0 Mail server busy, try again later"
        self.messages.append(message_from_bytes(envelope.content))
        return "250 Message accepted for delivery"


def plain_text(message):
    """A mail's plain-text body, whether it is the whole mail or the part beside its HTML (branded mails)."""
    part = next(part for part in message.walk() if part.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


class SmtpServer:
    def __init__(self, port=None):
        from aiosmtpd.controller import Controller

        self.port = port or free_port()
        self.handler = SmtpHandler()
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.url = f"smtp+plain://127.0.0.1:{self.port}"

    @property
    def messages(self):
        return self.handler.messages

    def start(self):
        self.controller.start()
        return self

    def stop(self):
        try:
            self.controller.stop()
        except AssertionError:  # not running
            pass


# The app and the worker, as production runs them.


def database_url():
    """The test database (pytest-django's test_<name>), as a URL another process can use."""
    db = connection.settings_dict
    port = db.get("PORT") or 5432
    return f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{port}/{db['NAME']}"


def production_env(**overrides):
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    env = {
        **inherited,
        "DJANGO_SETTINGS_MODULE": "config.settings.production",
        "SECRET_KEY": SECRET_KEY,
        "DATABASE_URL": database_url(),
        "REDIS_URL": REDIS_URL,
        "ALLOWED_HOSTS": HOST,
        "BASE_URL": f"https://{HOST}",
        "DEFAULT_FROM_EMAIL": "Campaigns <campaigns@example.org>",
        "EMAIL_URL": "smtp+plain://127.0.0.1:9",  # nothing listens there
        # Production keeps uploads in a bucket; these tests upload nothing, and nothing listens there either.
        "AWS_STORAGE_BUCKET_NAME": "media",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9",
        "WEB_CONCURRENCY": "1",
        "PYTHONUNBUFFERED": "1",
    }
    env.update({name: str(value) for name, value in overrides.items()})
    return env


def collectstatic(static_root, env):
    result = subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput"],
        cwd=ROOT,
        env={**env, "STATIC_ROOT": str(static_root)},
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr


class Process:
    """A long-running manage.py or gunicorn process whose output goes to a file the test can read."""

    def __init__(self, args, env, log_path):
        self.log_path = log_path
        self._log = open(log_path, "wb")
        self.process = subprocess.Popen(args, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT)

    def output(self):
        if not self._log.closed:
            self._log.flush()
        return self.log_path.read_text()

    def kill(self, sig=signal.SIGKILL):
        if self.process.poll() is None:
            self.process.send_signal(sig)
            self.process.wait(timeout=30)

    def stop(self):
        self.kill(signal.SIGTERM)
        self._log.close()


@contextmanager
def running_app(tmp_path, static_root, **env):
    """gunicorn with config/gunicorn.py and production settings, and a Redis of its own (so that no cached
    page or content generation of another test is served); yields (Process, port)."""
    redis = RedisServer().start()
    port = free_port()
    app = Process(
        [sys.executable, "-m", "gunicorn", "-c", "config/gunicorn.py", "config.wsgi"],
        production_env(PORT=port, STATIC_ROOT=static_root, REDIS_URL=redis.url, **env),
        tmp_path / "gunicorn.log",
    )
    try:
        wait_for(lambda: port_open(port) or app.process.poll() is not None, timeout=60, message="gunicorn")
        assert app.process.poll() is None, app.output()
        yield app, port
    finally:
        app.stop()
        redis.kill()


def start_worker(tmp_path, name="worker", **env):
    _forget_cached_sites()
    return Process(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        production_env(**env),
        tmp_path / f"{name}.log",
    )


def _forget_cached_sites():
    """The worker reads Wagtail's site root paths (which site a page belongs to: every mail's branding asks)
    from the shared Redis, where this process, with its own cache, never clears them when a test makes a new
    site: a site of an earlier test (or run) would linger there, and a mail fail with Site.DoesNotExist."""
    key = default_key_func(SITE_ROOT_PATHS_CACHE_KEY, "", SITE_ROOT_PATHS_CACHE_VERSION)
    redis.Redis.from_url(REDIS_URL).delete(key)


# The proxy in front of production.


class Caddy:
    """Debian's caddy serving the shipped deploy/Caddyfile on a free port, its upstreams replaced by the test's
    gunicorn; its admin endpoint off and its listener on loopback, so that several can run at once."""

    def __init__(self, tmp_path, upstream_port):
        self.binary = shutil.which("caddy")
        if self.binary is None:
            missing("test needs caddy (apt-get install -y caddy)")
        self.port = free_port()
        self.tmp_path = tmp_path
        self.config = tmp_path / "Caddyfile"
        self.config.write_text(self._template((ROOT / "deploy" / "Caddyfile").read_text(), upstream_port))
        self.process = None

    def _template(self, text, upstream_port):
        upstreams = re.compile(r"(reverse_proxy) [^{\n]+")
        assert upstreams.search(text), "deploy/Caddyfile has no reverse_proxy"
        text = upstreams.sub(rf"\1 127.0.0.1:{upstream_port} ", text)
        text, count = re.subn(
            r"^\{\n", "{\n\tadmin off\n\tdefault_bind 127.0.0.1\n", text, count=1, flags=re.M
        )
        assert count == 1, "deploy/Caddyfile has no global options block"
        if self.version() < (2, 6, 3):
            # Debian's Caddy (2.6.2) spells body buffering as it was before 2.6.3, which the caddy:2 image of
            # compose.yaml no longer accepts: the same setting, in its older words.
            def older(match):
                size = match.group(2)
                number, unit = re.fullmatch(r"(\d+)\s*([KMG]?B)", size).groups()
                factor = {"B": 1, "KB": 1000, "MB": 1000**2, "GB": 1000**3}[unit]
                indent = match.group(1)
                return f"{indent}buffer_requests\n{indent}max_buffer_size {int(number) * factor}"

            text, count = re.subn(r"^([ \t]*)request_buffers (\S+)$", older, text, flags=re.M)
            assert count == 1
        return text

    def version(self):
        output = subprocess.run([self.binary, "version"], capture_output=True, text=True, timeout=30).stdout
        return tuple(int(part) for part in re.match(r"v?(\d+)\.(\d+)\.(\d+)", output).groups())

    def start(self):
        home = self.tmp_path / "caddy-home"
        home.mkdir(exist_ok=True)
        env = {
            "PATH": os.environ.get("PATH", ""),
            "HOME": str(home),
            "XDG_DATA_HOME": str(home),
            "XDG_CONFIG_HOME": str(home),
            "SITE_ADDRESS": f":{self.port}",
        }
        self._log = open(self.tmp_path / "caddy.log", "wb")
        self.process = subprocess.Popen(
            [self.binary, "run", "--config", str(self.config), "--adapter", "caddyfile"],
            env=env,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )
        wait_for(lambda: port_open(self.port) or self.process.poll() is not None, timeout=30, message="caddy")
        assert self.process.poll() is None, self.output()
        return self

    def output(self):
        if not self._log.closed:
            self._log.flush()
        return (self.tmp_path / "caddy.log").read_text()

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(timeout=30)
        self._log.close()
