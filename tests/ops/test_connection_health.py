"""A kept database connection that PostgreSQL closed (a restart, a failover, an administrator) is replaced
before a request uses it, so the request does not fail; a live one is kept, and checking it asks the server
nothing (config/postgresql: the check reads the socket instead of sending `SELECT 1`)."""

import time

import pytest
from django.db import close_old_connections, connection, connections

# serialized_rollback: the flush after a test that commits would re-create the locales (post_migrate), which
# the next test restoring the serialized database (serialized_rollback) then finds already there.
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def _terminate(pid):
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
    finally:
        other.close()


def _statements_sent(pid):
    """How many statements the server ran on backend `pid` (pg_stat_activity's query_start moves)."""
    other = connections.create_connection("default")
    try:
        with other.cursor() as cursor:
            cursor.execute("SELECT query_start FROM pg_stat_activity WHERE pid = %s", [pid])
            return cursor.fetchone()[0]
    finally:
        other.close()


def test_a_connection_the_server_closed_is_replaced_before_the_next_request_queries():
    assert connection.settings_dict["CONN_HEALTH_CHECKS"]
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    _terminate(pid)
    time.sleep(0.2)  # the server's goodbye reaches the socket

    close_old_connections()  # what Django does when a request starts
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [new_pid] = cursor.fetchone()
    assert new_pid != pid


def test_a_live_connection_is_kept_and_its_check_sends_nothing():
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        [pid] = cursor.fetchone()
    last_statement = _statements_sent(pid)

    close_old_connections()
    connection.close_if_health_check_failed()  # what the request's first query does

    assert connection.connection is not None and connection.connection.info.backend_pid == pid
    assert _statements_sent(pid) == last_statement
