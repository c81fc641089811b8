"""The production task queue (ops.tasks.DatabaseBackend) stores a task's row with an INSERT compiled once per
process instead of the ORM's `create()`: the row must be the one django-tasks-db stores, so its worker runs it
the same way."""

import pytest
from django_tasks import TaskResultStatus, task_backends
from django_tasks_db.models import DBTaskResult

from campaigns.signing import follow_up

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
