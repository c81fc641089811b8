"""Tasks that survive failures: retried with backoff when a service fails, run again when a worker dies.

django-tasks-db 0.13 runs each task once: a failed task stays failed, and a task whose worker was killed
stays "running" for ever. This module adds the two things production needs, on django-tasks' own hooks:

- **Retry with backoff.** When a task fails with an error that can pass (SMTP down or refusing, a dropped
  connection, a database blip), the `task_finished` signal puts the same row back in the queue to run after
  TASK_RETRY_DELAY seconds, doubling each attempt up to an hour, for TASK_MAX_ATTEMPTS attempts (`RETRIES`,
  the retry design of ops/retries.py, which webhook deliveries follow too). One row per task throughout: its
  attempts are the workers that ran it, its last error stays on it.
- **Abandoned tasks run again.** A task "running" for longer than TASK_TIMEOUT lost its worker (killed,
  out of memory, machine gone); `requeue_abandoned` puts it back. The worker (`manage.py db_worker`, see
  ops/management/commands/db_worker.py) calls it when it starts and every little while. A mail gives up
  well within TASK_TIMEOUT (EMAIL_TIMEOUT), so a live task is never taken for a lost one.

Delivery is at least once: a worker killed between sending a mail and recording it sends it again.
Every task here is a mail whose arguments are ids, so running one twice is harmless, at worst a duplicate
with the same Message-ID as the first (ops.mail.message_id, from the task's id), which relays and
mailboxes that keep Message-IDs drop.
"""

import json
import logging
import re
import threading
import time
from dataclasses import dataclass
from datetime import timedelta

from django.conf import settings
from django.db import (
    DatabaseError,
    InterfaceError,
    OperationalError,
    close_old_connections,
    connections,
    router,
    transaction,
)
from django.db.models.signals import post_save, pre_save
from django.db.models.sql.subqueries import InsertQuery
from django.utils import timezone
from django_tasks import TaskResultStatus, task_backends
from django_tasks.signals import task_finished
from django_tasks_db import DatabaseBackend as DatabaseQueue
from django_tasks_db.compat import normalize_json, task_enqueued
from django_tasks_db.models import DBTaskResult

from ops import process_memory
from ops.retries import RetryPolicy

logger = logging.getLogger(__name__)

# Errors that can pass by themselves: smtplib's errors are OSErrors, as are refused and timed-out
# connections; a database that went away comes back. Anything else (a bug, campaigns.emails.Undeliverable)
# would fail the same way again. The ±20 % spread keeps mails failed together from all hitting the
# recovering server at the same second.
RETRIES = RetryPolicy(
    first_delay="TASK_RETRY_DELAY",
    longest_delay=timedelta(hours=1),
    jitter=0.2,
    max_attempts="TASK_MAX_ATTEMPTS",
    transient=(OSError, OperationalError, InterfaceError),
)
# Recorded on a task put back in the queue because its worker disappeared.
WORKER_LOST = "ops.tasks.WorkerLost"


def uses_database_queue():
    return isinstance(task_backends["default"], DatabaseQueue)


def retry_failed_task(sender, task_result, **kwargs):
    """`task_finished` receiver: put a task that failed for a passing reason back in the queue, later."""
    db_result = getattr(task_result, "db_result", None)  # only the database queue can run a task again
    if task_result.status != TaskResultStatus.FAILED or db_result is None or not task_result.errors:
        return
    try:
        error_class = task_result.errors[-1].exception_class
    except ImportError:
        return
    name, attempt = task_result.task.name, task_result.attempts
    if not RETRIES.is_transient(error_class):
        logger.error("Task %s %s failed with %s; not retried", name, task_result.id, error_class.__name__)
        return
    now = timezone.now()
    run_after = RETRIES.next_attempt(attempt, now)
    if run_after is None:
        logger.error(
            "Task %s %s failed with %s %d times; giving up",
            name,
            task_result.id,
            error_class.__name__,
            attempt,
        )
        return
    try:
        DBTaskResult.objects.filter(pk=db_result.pk, status=TaskResultStatus.FAILED).update(
            status=TaskResultStatus.READY,
            run_after=run_after,
            finished_at=None,
        )
    except DatabaseError:  # the database is down too: the task stays failed, visible in /readyz
        logger.exception("Could not put task %s %s back in the queue", name, task_result.id)
        return
    logger.warning(
        "Task %s %s failed with %s (attempt %d of %d); trying again in %.0f s",
        name,
        task_result.id,
        error_class.__name__,
        attempt,
        settings.TASK_MAX_ATTEMPTS,
        (run_after - now).total_seconds(),
    )


def requeue_abandoned():
    """Put back in the queue every task that has been "running" for longer than TASK_TIMEOUT: its worker is
    gone. Tasks that already had all their attempts are marked failed instead. Returns how many were requeued.
    """
    now = timezone.now()
    requeued = 0
    with transaction.atomic():
        abandoned = (
            DBTaskResult.objects.select_for_update(skip_locked=True)
            .filter(
                status=TaskResultStatus.RUNNING, started_at__lt=now - timedelta(seconds=settings.TASK_TIMEOUT)
            )
            .only("id", "worker_ids", "task_path")
        )
        for task in abandoned:
            exhausted = RETRIES.gives_up(len(task.worker_ids))
            DBTaskResult.objects.filter(pk=task.pk).update(
                status=TaskResultStatus.FAILED if exhausted else TaskResultStatus.READY,
                run_after=now,
                finished_at=now if exhausted else None,
                exception_class_path=WORKER_LOST,
                traceback="",
            )
            requeued += not exhausted
            logger.warning(
                "Task %s %s lost its worker; %s",
                task.task_path.rsplit(".", 1)[-1],
                task.pk,
                "giving up" if exhausted else "running it again",
            )
    return requeued


def keep_requeuing_abandoned(interval):
    """Run requeue_abandoned every `interval` seconds in a daemon thread (with its own connection)."""

    def loop():
        while True:
            try:
                requeue_abandoned()
            except DatabaseError:
                logger.warning("Could not look for abandoned tasks: database unavailable")
            finally:
                close_old_connections()
            time.sleep(interval)

    thread = threading.Thread(target=loop, name="requeue-abandoned-tasks", daemon=True)
    thread.start()
    return thread


@dataclass(frozen=True)
class Failing:
    retrying: int  # failed at least once, waiting for their next attempt
    failed: int  # failed for good in the last day
    last_error: str  # the most recent error's class, e.g. "SMTPServerDisconnected" ("" when none)


def failing_summary():
    """What an operator needs to know about failing tasks (no arguments, no messages: nothing personal)."""

    failed_at_least_once = DBTaskResult.objects.exclude(exception_class_path="")
    retrying = failed_at_least_once.filter(status=TaskResultStatus.READY)
    failed = DBTaskResult.objects.failed().filter(finished_at__gte=timezone.now() - timedelta(days=1))
    latest = (
        failed_at_least_once.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.FAILED])
        .order_by("-started_at")
        .values_list("exception_class_path", flat=True)
        .first()
    )
    return Failing(retrying.count(), failed.count(), (latest or "").rsplit(".", 1)[-1])


def connect():
    task_finished.connect(retry_failed_task, dispatch_uid="ops-retry-failed-task")


class DatabaseBackend(DatabaseQueue):
    """django-tasks-db's queue, except that a task's row is stored by an INSERT that Django compiled once per
    process. Every signing queues one task (campaigns.signing.follow_up), and `objects.create()` compiled
    the same statement through the ORM for each: 23.5 % of a signing request's Python CPU went to queuing its
    task (py-spy --gil on gunicorn's workers, production settings, `make bench`'s signing load). The row is the
    one `create()` stores (the model's defaults, `enqueued_at` filled as auto_now_add does), with the same
    save signals and `task_enqueued` (tests/ops/test_task_insert.py compares the rows)."""

    def _task_to_db_task(self, task, args, kwargs):
        from django_tasks_db.compat import normalize_json  # django-tasks' own, or Django's once it has tasks
        from django_tasks_db.models import DBTaskResult

        result = DBTaskResult(
            id=self._get_id(),
            args_kwargs=normalize_json({"args": args, "kwargs": kwargs}),
            priority=task.priority,
            task_path=task.module_path,
            queue_name=task.queue_name,
            run_after=task.run_after,
            backend_name=self.alias,
        )
        connection = connections[router.db_for_write(DBTaskResult)]
        # The model's save signals, as `create()` sends them (django-tasks-db's own pre_save receiver fills
        # in `run_after` for a task to run at once).
        pre_save.send(DBTaskResult, instance=result, raw=False, using=connection.alias, update_fields=None)
        sql, fields = _task_statement(connection)
        params = [field.get_db_prep_save(field.pre_save(result, True), connection) for field in fields]
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
        result._state.adding = False
        result._state.db = connection.alias
        post_save.send(
            DBTaskResult, instance=result, created=True, update_fields=None, raw=False, using=connection.alias
        )
        return result


# {(database alias, vendor): (the task row's INSERT, its fields)}
_task_inserts = process_memory.remembered("ops.tasks.task_inserts", {})


def _compile_task_insert(connection):
    fields = list(
        DBTaskResult._meta.local_concrete_fields
    )  # the id too: a UUID made here, not by the database
    query = InsertQuery(DBTaskResult)
    query.insert_values(fields, [DBTaskResult()])  # only the statement's text is kept
    [(sql, _params)] = query.get_compiler(connection=connection).as_sql()
    return sql, fields


def queued_by_statement(task, args, connection):
    """`task` queued with `args` by a row INSERTed in another statement (PostgreSQL's data-modifying WITH), so
    that a row and the task that follows it are stored in one statement: one round trip to the database and
    no BEGIN or COMMIT of their own (campaigns/signature_insert.py). An argument may be a `Column`: SQL the
    caller's statement computes (from the rows it stored), not a value. Returns None when the task's queue is
    not this module's DatabaseBackend on `connection`'s PostgreSQL (the caller then enqueues as usual), else
    (the select list of the task row's columns, in the order of `task_columns`, its params, and `queued`: call
    it with the values the Columns came to once the statement has run; it sends what `enqueue` sends and
    returns the task's result).

    The row is the one `enqueue` stores (tests/ops/test_task_insert.py compares them): the same id, the
    same defaults, `enqueued_at` filled as auto_now_add does, the same save signals and `task_enqueued`; only
    its `args_kwargs` is built by the database, with `jsonb_build_array`, from the same JSON values."""
    if connection.vendor != "postgresql" or router.db_for_write(DBTaskResult) != connection.alias:
        return None
    backend = task.get_backend()
    if not isinstance(backend, DatabaseBackend):
        return None
    backend.validate_task(task)
    values = [None if isinstance(arg, Column) else arg for arg in args]
    if normalize_json(values) != values:
        raise ValueError(f"Arguments of a task queued by a statement must be JSON as they are: {args!r}")
    result = DBTaskResult(
        id=backend._get_id(),
        args_kwargs={"args": values, "kwargs": {}},
        priority=task.priority,
        task_path=task.module_path,
        queue_name=task.queue_name,
        run_after=task.run_after,
        backend_name=backend.alias,
    )
    pre_save.send(DBTaskResult, instance=result, raw=False, using=connection.alias, update_fields=None)
    _sql, fields = _task_statement(connection)
    shape = (
        connection.alias,
        connection.vendor,
        tuple(arg.sql if isinstance(arg, Column) else None for arg in args),
    )
    if shape not in _task_selects:
        _task_selects[shape] = _task_select(connection, fields, args)
    params = []
    for field in fields:
        if field.attname == "args_kwargs":
            params.extend(json.dumps(arg) for arg in args if not isinstance(arg, Column))
        else:
            params.append(field.get_db_prep_save(field.pre_save(result, True), connection))

    def queued(*column_values):
        given = iter(column_values)
        result.args_kwargs = {
            "args": [next(given) if isinstance(arg, Column) else arg for arg in args],
            "kwargs": {},
        }
        result._state.adding = False
        result._state.db = connection.alias
        post_save.send(
            DBTaskResult, instance=result, created=True, update_fields=None, raw=False, using=connection.alias
        )
        task_result = result.task_result
        task_enqueued.send(type(backend), task_result=task_result)
        return task_result

    return _task_selects[shape], params, queued


# {(database alias, vendor, the Columns' SQL): the task row's select list}: see queued_by_statement.
_task_selects = process_memory.remembered("ops.tasks.task_selects", {})


def _task_select(connection, fields, args):
    select = []
    for field in fields:
        if field.attname == "args_kwargs":
            items = [f"to_jsonb({arg.sql})" if isinstance(arg, Column) else "%s::jsonb" for arg in args]
            select.append(
                f"jsonb_build_object('args', jsonb_build_array({', '.join(items)}), 'kwargs', '{{}}'::jsonb)"
            )
        else:
            # Typed: in a SELECT the database cannot tell a NULL's type from the column it goes to.
            # Without a length: a value too long for its column fails the INSERT, as `create()`'s does.
            select.append(f"CAST(%s AS {re.sub(r'[(][0-9]+[)]$', '', field.db_type(connection))})")
    return ", ".join(select)


def task_columns(connection):
    """`INSERT INTO <the task table> (<its columns>)`, for queued_by_statement's select list."""
    sql, _fields = _task_statement(connection)
    return sql.split(" VALUES ", 1)[0]


@dataclass(frozen=True)
class Column:
    """An argument of a task queued by queued_by_statement: SQL that the statement computes."""

    sql: str


def _task_statement(connection):
    key = (connection.alias, connection.vendor)
    if key not in _task_inserts:
        _task_inserts[key] = _compile_task_insert(connection)
    return _task_inserts[key]
