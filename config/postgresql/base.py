"""Django's PostgreSQL backend, with a health check of a kept connection that costs no round trip.

With CONN_HEALTH_CHECKS, Django asks PostgreSQL `SELECT 1` before the first query of every request that
uses a kept connection, so that a connection the server closed (a restart, a failover) is replaced instead
of failing the request. That is one round trip more per signature: 14 % of a signing request's time in
gunicorn's workers (py-spy, the bench's signing row, as much as the rate limit's Redis round trip), for a
question the socket answers itself. An idle connection has nothing to read: when PostgreSQL closes it, it
sends its reason and closes the socket, and both make the socket readable. So the check here is whether
psycopg knows the connection closed or broken, or the socket has anything to read, without waiting;
either way the connection is replaced before the request's first query, as Django's check would.

What it cannot see is a server that vanished without closing anything (a cable cut): the request's query
then fails (a 503 with Retry-After, ops/errors.py) and Django drops the connection after that request, as it
does with its own check when a connection breaks mid-request.
"""

import select

from django.db.backends.postgresql import base


class DatabaseWrapper(base.DatabaseWrapper):
    def close_if_health_check_failed(self):
        if self.connection is None or not self.health_check_enabled or self.health_check_done or self.pool:
            return
        if not self._looks_open():
            self.close()
        self.health_check_done = True

    def _looks_open(self):
        connection = self.connection
        if connection.closed or connection.broken:
            return False
        try:
            readable, _writable, _failed = select.select([connection.fileno()], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable  # an idle connection that has something to read was closed by the server
