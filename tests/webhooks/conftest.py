"""A real HTTP receiver on a local port (a thread with http.server), and a worker that drains the queue."""

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest


class Receiver:
    """Records every POST it gets (headers, body, time); answers 500 to the first `failures` of them, and
    holds each answer `delay` seconds."""

    def __init__(self):
        self.requests = []
        self.failures = 0
        self.delay = 0.0
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    receiver.requests.append({"headers": dict(self.headers), "body": body, "at": time.time()})
                    failing = receiver.failures > 0
                    receiver.failures -= failing
                time.sleep(receiver.delay)
                self.send_response(500 if failing else 204)
                self.end_headers()
                if failing:
                    self.wfile.write(b"database locked")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hooks/petitions"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def events(self):
        """(type, body as JSON, headers) of every request, in arrival order."""
        return [(json.loads(r["body"])["type"], json.loads(r["body"]), r["headers"]) for r in self.requests]

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver(settings):
    settings.WEBHOOKS_ALLOW_INTERNAL = True  # the receiver is on 127.0.0.1
    receiver = Receiver()
    yield receiver
    receiver.stop()


@pytest.fixture
def database_queue(settings):
    """Tasks go to the database queue, as in production, and retries come at once."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    settings.WEBHOOK_RETRY_DELAY = 0


def run_worker(rounds=20, max_tasks=None):
    """Run django-tasks-db's own worker in this process until no task is ready (as many rounds as needed for
    retries that come due), or `max_tasks` tasks in each round."""
    from django_tasks_db.management.commands.db_worker import Worker
    from django_tasks_db.models import DBTaskResult

    for _ in range(rounds):
        Worker(
            queue_names=["default"],
            interval=0,
            batch=True,
            backend_name="default",
            startup_delay=False,
            max_tasks=max_tasks,
            worker_id="test-worker",
            excluded_queue_names=[],
        ).run()
        if not DBTaskResult.objects.ready().exists():
            return
