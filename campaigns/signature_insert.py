"""The one INSERT that stores a signature, compiled once per process (see `insert`)."""

import functools
from contextlib import nullcontext

from django.db import transaction
from django.db.models.sql.subqueries import InsertQuery

from campaigns.models.signature import ONE_PER_PERSON, Signature
from ops import process_memory
from ops.tasks import Column, queued_by_statement, task_columns

# {(database alias, vendor): (the INSERT's SQL, its fields)}, and with a task row's INSERT
# {(alias, vendor, its INSERT, its select list): (the WITH statement, the signature's fields)}: see insert.
_insert_statements = process_memory.remembered("campaigns.signature_insert.statements", {})


def insert(signature, notice_due_before, follow_up=None):
    """Store a new signature with one statement whose SQL Django compiled once in this process. Returns
    (True, its id, its confirmation key) when it was stored; for a person who has already signed the campaign,
    (False, the id of their signature, its confirmation key) when they are due a "you have already signed"
    notice, which the same statement marks as sent (their last one was before `notice_due_before`), else
    (False, None, None).

    `Model.save()` compiles the same INSERT again for every signature: a tenth of a signature's CPU in a
    profile. The statement's text depends only on the model and the database, so it is compiled once, and
    each signature only converts its values (the same conversions `save()` makes, every one of them). Like `save()` it fills in
    `submit_time` and the new row's id. It sends no pre_save/post_save signals: what follows a signature
    starts from campaigns.events, after the commit.

    A repeat is no error either: ON CONFLICT on the one-per-person constraint (only: any other broken rule
    still fails) updates the earlier signature's notice time if, and only if, a notice is due, and returns it
    then; otherwise nothing is written or returned. So a repeat costs one statement, as a first signature
    does, and two racing repeats announce one: the database locks the row between them.

    `follow_up`, (a task, page id), queues that task with (the signature id the statement returned or None,
    the page id, whether it was stored) whatever happened, in the same transaction: a signature is never
    stored without what follows it (apart, a PostgreSQL restart between the two left signatures with no
    confirmation mail: bench/cluster.py, 1-4 per restart). On PostgreSQL with the production queue
    (ops.tasks.DatabaseBackend) the task row is stored by the same statement as the signature (a WITH whose
    INSERT's RETURNING feeds the task row's INSERT), so signing is one round trip, with no BEGIN and COMMIT:
    the task's row and its INSERT were, with those, more than half a signing request's wall time (py-spy on
    gunicorn, production settings). Elsewhere a transaction holds the INSERT and `enqueue`.
    """
    connection = transaction.get_connection()
    if follow_up is None:
        return _insert(signature, notice_due_before, connection)
    task, page_id = follow_up
    # The task's arguments as the database computes them from the INSERT's row `s` (none for a repeat whose
    # notice is not due): the id, and whether it is a new signature (a new one has had no notice).
    queued = queued_by_statement(
        task,
        [Column("s.id"), page_id, Column("s.id IS NOT NULL AND s.notice IS NULL")],
        connection,
    )
    if queued is None:
        with transaction.atomic():
            stored, pk, key = _insert(signature, notice_due_before, connection)
            task.enqueue(pk, page_id, stored)
        return stored, pk, key
    select, task_params, announce = queued
    # Inside a caller's transaction a savepoint keeps a failed statement from spoiling it; alone, the one
    # statement is its own transaction.
    with transaction.atomic() if connection.in_atomic_block else nullcontext():
        stored, pk, key = _insert(
            signature, notice_due_before, connection, task_columns(connection), select, task_params
        )
    announce(pk, stored)
    return stored, pk, key


def _insert(signature, notice_due_before, connection, task_insert=None, task_select=None, task_params=()):
    key = (connection.alias, connection.vendor)
    if key not in _insert_statements:
        _insert_statements[key] = _compile_insert(connection)
    sql, fields = _insert_statements[key]
    if task_insert is not None:
        # WITH s AS (the signature's INSERT … RETURNING), t AS (the task's INSERT … SELECT … FROM s) SELECT s.
        with_task = (*key, task_insert, task_select)
        if with_task not in _insert_statements:
            _insert_statements[with_task] = (
                (
                    f"WITH s (id, notice, key) AS ({sql}), "
                    f"t AS ({task_insert} SELECT {task_select} FROM (VALUES (1)) AS one (x) LEFT JOIN s ON TRUE) "
                    "SELECT id, notice, key FROM s"
                ),
                fields,
            )
        sql, fields = _insert_statements[with_task]
    params = []
    for field in fields:
        params.append(field.get_db_prep_save(field.pre_save(signature, True), connection))
    params.append(
        Signature._meta.get_field("repeat_notice_sent_at").get_db_prep_save(notice_due_before, connection)
    )
    params.extend(task_params)
    with _prepared_cursor(connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return False, None, None
    pk, notice_sent, key = row
    if notice_sent is not None:  # a new signature has never been sent a notice: this is the earlier one
        return False, pk, key
    signature.pk = pk
    signature._state.adding = False
    signature._state.db = connection.alias
    return True, pk, key


def _prepared_cursor(connection):
    """A cursor for the signing INSERT. On PostgreSQL it sends the values apart from the statement and has
    the server prepare the statement once per connection: the server then skips parsing and planning a
    29-column INSERT for every signature (a quarter more signatures per second of its CPU, measured with
    pgbench), and the worker skips quoting 29 values into SQL text. Django's own cursors do neither, so that
    a pooler in transaction mode works (DATABASE_PREPARED_STATEMENTS in config/env.py turns this off for
    such a pooler). The cursor is wrapped like Django's own, so errors, execute wrappers and query logging (the
    tests' query counts) see it as any other query."""
    if (
        connection.vendor != "postgresql"
        or connection.settings_dict["OPTIONS"].get("prepare_threshold") is None
    ):
        return connection.cursor()
    connection.ensure_connection()
    connection.validate_thread_sharing()
    cursor = _prepared_cursor_class()(connection.connection)
    if not connection.queries_logged:
        return connection.make_cursor(cursor)
    cursor.keeps_query = True
    return connection.make_debug_cursor(cursor)


@functools.cache
def _prepared_cursor_class():
    # Imported when first needed: Django's PostgreSQL backend is no use to a SQLite site.
    from django.db.backends.postgresql.base import ServerBindingCursor

    class PreparedCursor(ServerBindingCursor):
        """psycopg's cursor that binds values on the server, preparing each statement it runs."""

        # psycopg keeps no text of a prepared statement it ran; Django's query log (tests, DEBUG) reads one.
        keeps_query = False

        def execute(self, query, params=None, **kwargs):
            result = super().execute(query, params, prepare=True, **kwargs)
            if self.keeps_query:
                self._query = self._convert_query(query, params)
            return result

    return PreparedCursor


def _compile_insert(connection):
    """The SQL of Signature's INSERT on `connection`, with its repeat signer's clause (see insert), and the
    fields its values are for. PostgreSQL and SQLite (3.35 and later) say all of it the same way."""
    meta = Signature._meta
    fields = [
        field for field in meta.local_concrete_fields if field is not meta.auto_field and not field.generated
    ]
    if not connection.features.can_return_columns_from_insert or meta.db_returning_fields != [meta.pk]:
        raise NotImplementedError(f"Signing needs INSERT … RETURNING, which {connection.vendor} lacks here.")
    query = InsertQuery(Signature)
    query.insert_values(fields, [Signature()])  # only the statement's text is kept, not these values
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = meta.db_returning_fields
    ((sql, _params),) = compiler.as_sql()
    quote = connection.ops.quote_name
    (one_per_person,) = [constraint for constraint in meta.constraints if constraint.name == ONE_PER_PERSON]
    target = ", ".join(quote(meta.get_field(name).column) for name in one_per_person.fields)
    table = quote(meta.db_table)
    notice = quote(meta.get_field("repeat_notice_sent_at").column)
    submitted = quote(meta.get_field("submit_time").column)
    key = quote(meta.get_field("confirmation_key").column)
    insert_sql, returning = sql.rsplit(" RETURNING ", 1)
    return (
        f"{insert_sql} ON CONFLICT ({target}) DO UPDATE SET {notice} = excluded.{submitted} "
        f"WHERE {table}.{notice} IS NULL OR {table}.{notice} < %s "
        f"RETURNING {returning}, {table}.{notice}, {table}.{key}"
    ), fields
