"""Slow clients do not freeze the site deployed as shipped: gunicorn with config/gunicorn.py (two workers of four
threads, as in the report that found it) behind Debian's caddy running deploy/Caddyfile.

A slow client ("slowloris") opens a connection and sends its request's headers a line at a time, never
finishing, or sends whole headers and then its body a few bytes at a time. gunicorn gives each such
connection a thread that waits with it, so a few of them take every thread and visitors wait. Caddy holds them itself and passes a request on only once it has all of it. Both
are shown: the same slow clients against gunicorn directly stop it answering, and through Caddy visitors are
answered while the slow clients are still connected.
"""

import http.client
import socket
import threading

import pytest

from tests.builders import build_campaign, build_index, build_site
from tests.services import HOST, ROOT, Caddy, collectstatic, production_env, running_app, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.caddy,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

WORKERS, THREADS = 2, 4
SLOW_CLIENTS = 12  # more than the 8 threads
VISITS = 12


class SlowClient:
    """A connection that sends a request line, then one more header line each `interval` seconds, never the
    blank line that ends the headers, until stopped. With `path`, it posts there instead: whole headers
    announcing a form of 60 kB (the public site takes up to 64), then a few bytes of it each `interval`."""

    def __init__(self, port, path=None, interval=1.0):
        self.socket = socket.create_connection(("127.0.0.1", port), timeout=10)
        self.lines = 0
        self.stopped = threading.Event()
        if path is None:
            self.socket.sendall(f"GET /en-us/ HTTP/1.1\r\nHost: {HOST}\r\n".encode())
            self.chunk = b"X-Slow-%d: still typing\r\n"
        else:
            self.socket.sendall(
                f"POST {path} HTTP/1.1\r\nHost: {HOST}\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                f"Origin: https://{HOST}\r\nContent-Length: 60000\r\n\r\n".encode()
            )
            self.chunk = b"comment%d=slow&"
        self.thread = threading.Thread(target=self._trickle, args=(interval,), daemon=True)
        self.thread.start()

    def _trickle(self, interval):
        while not self.stopped.wait(interval):
            try:
                self.socket.sendall(self.chunk % self.lines)
            except OSError:
                return
            self.lines += 1

    def waiting(self):
        """Still connected, and answered nothing: the server is still waiting for the rest of its headers."""
        self.socket.settimeout(0)  # look, never wait: with a timeout Python would wait for something to read
        try:
            self.socket.recv(1, socket.MSG_PEEK)
        except BlockingIOError:
            return True  # nothing to read: no answer, no end of the connection
        except OSError:
            return False
        return False  # an answer, or the end of the connection (b"")

    def stop(self):
        self.stopped.set()
        self.thread.join(timeout=10)
        self.socket.close()


def slow_clients(port, path):
    """As many clients slow to send their headers, and as many slow to send a form's body, as gunicorn has
    threads and more."""
    clients = [SlowClient(port) for _ in range(SLOW_CLIENTS)] + [
        SlowClient(port, path) for _ in range(SLOW_CLIENTS)
    ]
    # Under way, but far from Caddy's 10 s for headers, within which the visitors below must be answered.
    wait_for(lambda: all(client.lines >= 1 for client in clients), timeout=30, message="the slow clients")
    return clients


def visit(port, path, results, timeout=60):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path, headers={"Host": HOST})
        results.append(connection.getresponse().status)
    except OSError as error:
        results.append(error)
    finally:
        connection.close()


@pytest.fixture(scope="module")
def static_root(tmp_path_factory, django_db_setup):
    root = tmp_path_factory.mktemp("static")
    collectstatic(root, production_env())
    return root


@pytest.fixture
def site(tmp_path, static_root):
    """The documented deployment: the app on loopback, the shipped proxy in front of it."""
    campaign = build_campaign(build_index(build_site()))
    settings = {
        "WEB_CONCURRENCY": WORKERS,
        "WEB_THREADS": THREADS,
        "TRUSTED_PROXIES": 1,
        "SECURE_SSL_REDIRECT": "false",  # Caddy serves plain HTTP here, as compose.yaml without a domain
    }
    with running_app(tmp_path, static_root, **settings) as (app, app_port):
        caddy = Caddy(tmp_path, app_port).start()
        try:
            yield campaign, app, app_port, caddy
        finally:
            caddy.stop()


def test_slow_clients_stop_gunicorn_alone_but_not_the_site_behind_its_proxy(site):
    campaign, app, app_port, caddy = site
    paths = [campaign.url, "/en-us/"]

    def answered(path):
        answers = []
        visit(caddy.port, path, answers)
        return answers == [200]

    for path in paths:  # through the proxy, once it has found the app healthy
        wait_for(lambda path=path: answered(path), timeout=60, message=f"{path} via caddy")
    # This instance's own control socket, named by its port (not gunicorn's one path per user). Its log says
    # so: the file itself comes and goes, since gunicorn closes the socket around every fork of a worker.
    control_socket = ROOT / "var" / "run" / f"gunicorn-{app_port}.ctl"
    assert f"Control socket listening at {control_socket}" in app.output()

    # Through Caddy, as deployed: visitors are answered while the slow clients are still connected.
    clients = slow_clients(caddy.port, campaign.url)
    try:
        answers = []
        visitors = [
            threading.Thread(target=visit, args=(caddy.port, paths[n % len(paths)], answers))
            for n in range(VISITS)
        ]
        for thread in visitors:
            thread.start()
        for thread in visitors:
            thread.join(timeout=60)
        still_waiting = [client.waiting() for client in clients]
    finally:
        for client in clients:
            client.stop()

    assert answers == [200] * VISITS
    assert still_waiting == [True] * 2 * SLOW_CLIENTS, [client.lines for client in clients]

    # Directly against gunicorn, the same slow clients take every thread: a visitor is not answered while
    # they are connected, and is as soon as they leave.
    clients = slow_clients(app_port, campaign.url)
    direct = []
    visitor = threading.Thread(target=visit, args=(app_port, paths[0], direct))
    visitor.start()
    sent = [client.lines for client in clients]
    wait_for(
        lambda: all(client.lines >= lines + 3 for client, lines in zip(clients, sent, strict=True)),
        timeout=30,
        message="the slow clients to send three more lines each",
    )
    answered_while_they_were_connected = list(direct)
    for client in clients:
        client.stop()
    visitor.join(timeout=60)

    assert answered_while_they_were_connected == []
    assert direct == [200]
