"""Public reads from a PostgreSQL read replica, everything else from the primary: on when DATABASE_REPLICA_URL
is set (config/settings/base.py adds the "replica" alias, this router and its middleware).

Which reads go to the replica: those of a request that only reads what everyone sees. That is a GET or HEAD
without a session cookie (a logged-in editor, or anyone whose session holds something, reads the primary and
so never misses a write of their own), answered by a public view: a page, the public API, the count,
search. Everything else reads the primary: the admin, signing and confirming (posts), the worker, commands,
health checks, and any read inside a transaction (it may follow a write of its own). Some models are read to
decide on a write and always come from the primary: sessions, the task queue, image renditions (Wagtail
creates a missing one, and a lagging replica would have it create one twice). Writes all go to the primary.

A replica that lags shows a page as it was a moment ago, as the page cache does for up to 10 seconds anyway.
A replica that is down must not take the public site with it: while it cannot be reached, public reads go to
the primary, a warning is logged once a minute (ops.throttle), and it is tried again every few seconds.
"""

import logging
import threading
import time
from contextvars import ContextVar

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

from ops.throttle import ThrottledWarning

logger = logging.getLogger(__name__)
warning = ThrottledWarning(logger)

REPLICA = "replica"
ROUTER = "ops.dbrouter.ReplicaRouter"
# Views whose GET only shows what every visitor sees (their URL names; the public API by its namespace).
PUBLIC_VIEWS = {"campaigns:serve_page", "wagtail_serve", "campaigns:signature_count", "search"}
PUBLIC_NAMESPACES = {"api"}
# Read to decide on a write, or written by the request that reads them: always the primary.
PRIMARY_ONLY = {"sessions.session", "django_tasks_database.dbtaskresult", "wagtailimages.rendition"}
RETRY_AFTER = 5.0  # seconds before a replica that failed is tried again

_public_read = ContextVar("public_read", default=False)


class ReplicaRouter:
    """Sends a read to the replica only while the request is a public read (PublicReadsMiddleware says so)."""

    def db_for_read(self, model, **hints):
        if (
            _public_read.get()
            and model._meta.label_lower not in PRIMARY_ONLY
            and not connections[DEFAULT_DB_ALIAS].in_atomic_block
        ):
            return REPLICA
        return DEFAULT_DB_ALIAS

    def db_for_write(self, model, **hints):
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # the same rows, whichever copy they were read from

    def allow_migrate(self, db, app_label, model_name=None, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema by replication


class PublicReadsMiddleware:
    """Marks the requests whose reads may come from the replica (the module's docstring says which)."""

    def __init__(self, get_response):
        if ROUTER not in settings.DATABASE_ROUTERS:
            raise MiddlewareNotUsed
        self.get_response = get_response

    def __call__(self, request):
        try:
            return self.get_response(request)
        finally:
            token = getattr(request, "_public_read_token", None)
            if token is not None:
                _public_read.reset(token)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if is_public_read(request) and replica.available():
            request._public_read_token = _public_read.set(True)


def is_public_read(request):
    if request.method not in ("GET", "HEAD") or settings.SESSION_COOKIE_NAME in request.COOKIES:
        return False
    match = request.resolver_match
    return match is not None and (
        match.view_name in PUBLIC_VIEWS or bool(PUBLIC_NAMESPACES.intersection(match.namespaces))
    )


class ReplicaState:
    """Whether the replica answers, asked at most once per request and not at all for a while after it failed."""

    def __init__(self):
        self._lock = threading.Lock()
        self.down_until = 0.0

    def available(self):
        if time.monotonic() < self.down_until:
            return False
        connection = connections[REPLICA]
        try:
            connection.close_if_health_check_failed()  # a connection the replica dropped is opened again
            connection.ensure_connection()
        except DatabaseError as error:
            with self._lock:
                self.down_until = time.monotonic() + RETRY_AFTER
            connection.close_if_unusable_or_obsolete()
            warning.warn(
                "The read replica is unreachable (%s): public pages are read from the primary.",
                type(error).__name__,
            )
            return False
        return True


replica = ReplicaState()
