"""/healthz and /readyz: JSON for load balancers and monitors, never cached, with no personal data.

- /healthz (liveness): the process answers. Nothing else is asked, so a restart is never triggered by
  a database outage that restarting would not fix.
- /readyz (readiness): the database (and its read replica, when there is one), the cache and the task
  queue, each with its own verdict. The status is 503 only when the database is unreachable (this process
  cannot serve anything that matters); a replica, cache or mail problem makes it "degraded" with 200,
  because the site still takes signatures. Monitors alert
  on any `"ok": false`; load balancers route on the status code.

Both are answered by the first middleware, before host validation, the HTTPS redirect, sessions and the
language prefix: a load balancer probes each process by its own address over plain HTTP.
"""

import os
import socket
import time

from django.conf import settings
from django.core.cache import cache
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Case, F, Min, When
from django.http import JsonResponse
from django.utils import timezone
from django_tasks_db.models import DBTaskResult, get_date_max

from ops import dbrouter, tasks

# A probe key of this process's own, so processes checking at once do not read each other's value.
CACHE_PROBE_KEY = f"readyz:{socket.gethostname()}:{os.getpid()}"


def liveness():
    return 200, {"status": "ok"}


def readiness():
    checks = {"database": check_database()}
    if dbrouter.ROUTER in settings.DATABASE_ROUTERS:
        # Public pages fall back to the primary while the replica is down: degraded, still serving.
        checks["replica"] = check_database(dbrouter.REPLICA)
    checks["cache"] = check_cache()
    checks["tasks"] = check_tasks() if checks["database"]["ok"] else {"ok": False, "error": "no database"}
    if not checks["database"]["ok"]:
        return 503, {"status": "unavailable", "checks": checks}
    return 200, {"status": "ok" if all(c["ok"] for c in checks.values()) else "degraded", "checks": checks}


def _timed(check):
    """Run `check`: {"ok": True, "ms": …, **what it returned (which may say "ok": False)}, or
    {"ok": False, "error": <exception class>}, never the exception's message (it may name hosts or users)."""
    start = time.monotonic()
    try:
        result = check() or {}
    except Exception as error:  # a health check reports failures, it never raises them
        return {"ok": False, "error": type(error).__name__}
    return {"ok": True, "ms": round((time.monotonic() - start) * 1000, 1), **result}


def check_database(alias=DEFAULT_DB_ALIAS):
    def query():
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")

    result = _timed(query)
    if not result["ok"]:
        connections[alias].close_if_unusable_or_obsolete()  # the next probe connects again
    return result


def check_cache():
    def round_trip():
        token = str(time.monotonic())
        cache.set(CACHE_PROBE_KEY, token, timeout=10)
        if cache.get(CACHE_PROBE_KEY) != token:  # ops.cache turns an unreachable Redis into a miss
            raise ConnectionError("cache unavailable")

    return _timed(round_trip)


def check_tasks():
    """How long the oldest task due to run has waited (a worker that is down shows here), and tasks that
    are failing (an SMTP server that refuses shows here, and on the admin dashboard)."""
    if not tasks.uses_database_queue():
        return {"ok": True, "queue": "immediate"}

    def queue_state():

        due = Case(When(run_after=get_date_max(), then=F("enqueued_at")), default=F("run_after"))
        oldest = DBTaskResult.objects.ready().aggregate(oldest=Min(due))["oldest"]
        wait = max(0.0, (timezone.now() - oldest).total_seconds()) if oldest else 0.0
        failing = tasks.failing_summary()
        return {
            "ok": wait <= settings.TASKS_MAX_WAIT and not failing.retrying and not failing.failed,
            "oldest_waiting_seconds": round(wait, 1),
            "retrying": failing.retrying,
            "failed_last_day": failing.failed,
            **({"last_error": failing.last_error} if failing.last_error else {}),
        }

    return _timed(queue_state)


CHECKS = {"/healthz": liveness, "/readyz": readiness}


class HealthCheckMiddleware:
    """Answers /healthz and /readyz (with or without a trailing slash) itself; must come first."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        check = CHECKS.get(request.path_info.rstrip("/"))
        if check is None or request.method not in ("GET", "HEAD"):
            return self.get_response(request)
        status, body = check()
        response = JsonResponse(body, status=status)
        response["Cache-Control"] = "no-store"
        return response
