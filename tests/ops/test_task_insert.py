"""The production task queue (ops.tasks.DatabaseBackend) stores a task's row with an INSERT compiled once per
process instead of the ORM's `create()`: the row must be the one django-tasks-db stores, so its worker runs it
the same way."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult

from campaigns.signing import Outcome, follow_up, sign
from integrity import judge as integrity_judge
from tests.builders import build_campaign, build_index, build_site

pytestmark = pytest.mark.django_db

COMPARED = [
    "status",
    "started_at",
    "finished_at",
    "args_kwargs",
    "priority",
    "task_path",
    "worker_ids",
    "queue_name",
    "backend_name",
    "run_after",
    "return_value",
    "exception_class_path",
    "traceback",
]


def test_the_task_row_is_the_one_django_tasks_db_stores(settings):
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    theirs = follow_up.enqueue(None, 7, False)
    settings.TASKS = {"default": {"BACKEND": "ops.tasks.DatabaseBackend"}}
    ours = follow_up.enqueue(None, 7, False)

    assert ours.id != theirs.id
    theirs_row = DBTaskResult.objects.values(*COMPARED, "enqueued_at").get(pk=theirs.id)
    ours_row = DBTaskResult.objects.values(*COMPARED, "enqueued_at").get(pk=ours.id)
    assert ours_row["enqueued_at"] >= theirs_row["enqueued_at"]
    assert {k: ours_row[k] for k in COMPARED} == {k: theirs_row[k] for k in COMPARED}
    assert ours.status == TaskResultStatus.READY
    assert task_backends["default"].get_result(ours.id).args == [None, 7, False]


def test_the_queued_task_is_what_the_worker_takes_next(settings):
    settings.TASKS = {"default": {"BACKEND": "ops.tasks.DatabaseBackend"}}
    queued = follow_up.enqueue(None, 7, False)

    assert DBTaskResult.objects.ready().get().id == queued.db_result.id


@pytest.mark.postgres
def test_a_signature_and_its_task_row_stored_in_one_statement_are_what_django_tasks_db_stores(
    settings, sign_data
):
    """On PostgreSQL the production queue's task row for a signing is stored by the signature's own
    statement (campaigns/signature_insert.py): for a first signature, a repeat due its notice and a repeat
    that is not, the row is django-tasks-db's for the same arguments, and the only statement is that one."""
    settings.TASKS = {"default": {"BACKEND": "ops.tasks.DatabaseBackend"}}
    campaign = build_campaign(build_index(build_site()))

    def signing(address):
        with CaptureQueriesContext(connection) as queries:
            result = sign(campaign, campaign.get_form(sign_data(email=address), page=campaign))
        assert result.outcome is Outcome.SIGNED
        (ours,) = DBTaskResult.objects.exclude(pk__in=seen)
        seen.append(ours.pk)
        return result, [query["sql"] for query in queries if "SAVEPOINT" not in query["sql"]], ours

    seen = list(DBTaskResult.objects.values_list("pk", flat=True))  # publishing the campaign queued some
    # The integrity rules' settings, as a running process has them (read once, then kept for a while; the
    # first read on a new database also stores their row).
    integrity_judge.current()
    first, statements, new = signing("ada@example.org")
    _again, _, due = signing("ada@example.org")  # the first repeat: its notice is due
    _again, _, not_due = signing("ada@example.org")  # today's notice sent

    # Besides what the form reads (the page's language), one statement.
    assert [sql[:4] for sql in statements if not sql.startswith("SELECT")] == ["WITH"], statements
    for ours, args in [
        (new, [first.signature.pk, campaign.pk, True]),
        (due, [first.signature.pk, campaign.pk, False]),
        (not_due, [None, campaign.pk, False]),
    ]:
        settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
        theirs = follow_up.enqueue(*args)
        seen.append(theirs.id)
        settings.TASKS = {"default": {"BACKEND": "ops.tasks.DatabaseBackend"}}
        theirs_row = DBTaskResult.objects.values(*COMPARED, "enqueued_at").get(pk=theirs.id)
        ours_row = DBTaskResult.objects.values(*COMPARED, "enqueued_at").get(pk=ours.pk)
        assert ours_row["enqueued_at"] <= theirs_row["enqueued_at"]
        assert {k: ours_row[k] for k in COMPARED} == {k: theirs_row[k] for k in COMPARED}
        assert task_backends["default"].get_result(ours.pk).args == args
    assert DBTaskResult.objects.ready().filter(task_path=follow_up.module_path).count() == 6
