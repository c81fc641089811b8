"""gunicorn's settings for the web process: `gunicorn -c config/gunicorn.py config.wsgi`.

Values an operator changes come from the environment through config/env.py (WEB_CONCURRENCY, PORT,
BIND_ADDRESS, RUN_DIR).
The access log records what an operator needs to see traffic and errors, and nothing about who sent it:
no client address, no query string (it may carry a search or a token), no referrer, no user agent.
"""

import gc
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # `-c config/gunicorn.py` from anywhere

from config.env import env  # noqa: E402

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")

# Loopback unless told otherwise: gunicorn gives a thread to each connection as soon as it is accepted, so
# eight clients sending their headers a line every few seconds take every thread of two workers of four, and
# the site stops answering. The app's port must only ever be reached through a proxy that reads whole
# requests before passing them on (deploy/Caddyfile); compose.yaml binds its private network explicitly.
bind = f"{env('BIND_ADDRESS')}:{env('PORT')}"
# gunicornc's control socket, one per instance (named by its port) in the app's run directory, so that two
# instances on one machine never take each other's (gunicorn's default is one path per user).
_run_dir = Path(env("RUN_DIR") or ROOT / "var" / "run")
_run_dir.mkdir(parents=True, exist_ok=True)  # a fresh checkout has no var/run: gunicorn would make no socket
control_socket = str(_run_dir / f"gunicorn-{env('PORT')}.ctl")
# Two worker processes per core keep the cores busy while others wait on PostgreSQL or Redis; raise
# WEB_CONCURRENCY on bigger machines or run more machines.
workers = env("WEB_CONCURRENCY") or 2 * (os.cpu_count() or 1)
# Threaded workers: a request here is short (a cached page in well under a millisecond, a signature in a
# few), but a signature manager's export of a million rows streams for tens of seconds. A sync worker busy
# that long stops answering gunicorn's heartbeat and is killed mid-download; a threaded worker keeps
# answering it while one of its threads streams, and its other threads serve visitors meanwhile.
# gunicorn's threaded worker, except that it accepts a connection only while it has a thread free for it, so
# a proxy's few kept-alive connections spread over the workers instead of piling onto one (ops/workers.py).
worker_class = "ops.workers.BalancedThreadWorker"
threads = env("WEB_THREADS")
# A worker whose main loop is stuck longer than this is killed and replaced.
timeout = 30
graceful_timeout = 20
keepalive = 5
# Import the application once, before forking: workers share its memory and start instantly.
preload_app = True


def when_ready(server):
    """Once, in the master, after the app is loaded and before any worker is forked: render the pages a spike
    lands on, so that every worker starts warm (ops/warmup.py)."""
    # Imported here: gunicorn reads this file before Django is set up, and the warm-up imports models.
    from ops.warmup import warm_up

    warm_up(server.app.wsgi())


def pre_fork(server, worker):
    """Before each worker is forked from the loaded app: move every object the app made so far out of the
    garbage collector's sight (gc.freeze). A full collection otherwise walks the 200,000 objects of Django,
    Wagtail and their imports: about 100 ms in which none of the worker's threads answers (the slowest
    hundredth of `make bench`'s signatures and page views). The frozen objects live as long as the app
    anyway, and the workers share their memory pages with the master for longer."""
    gc.freeze()


# Recycle workers now and then, so a slow leak in any library never grows without bound. Not too often: a
# worker serves cached pages at about 1,000 a second in a spike, and each replacement leaves its share of the
# traffic to the others for a few seconds and starts cold (`make bench` saw it in the slowest hundredth of
# its views when this was 20,000).
max_requests = 200_000
max_requests_jitter = 20_000

accesslog = "-"
errorlog = "-"
# time, method, path, status, bytes, duration: no client address (%(h)s), query (%(q)s), referrer or agent.
access_log_format = '%(t)s "%(m)s %(U)s" %(s)s %(B)s %(M)sms'
# …written as JSON lines with the request id, like the app's own logs, by ops.logs.GunicornLogger, which
# also drops the client address gunicorn writes when it rejects a malformed request.
logger_class = "ops.logs.GunicornLogger"
