"""`manage.py db_worker`: django-tasks-db's worker, which also runs again the tasks a lost worker left behind.

This app comes before django_tasks_db in INSTALLED_APPS, so this command replaces the library's under the
same name and with the same options. Before working, and then every TASK_TIMEOUT / 4 seconds, it puts back in
the queue any task that has been "running" for longer than TASK_TIMEOUT (see ops.tasks.requeue_abandoned).
"""

from django.conf import settings
from django_tasks_db.management.commands import db_worker

from ops import tasks


class Command(db_worker.Command):
    help = db_worker.Command.help + "; tasks abandoned by a lost worker are run again."

    def handle(self, *args, **options):
        tasks.requeue_abandoned()
        tasks.keep_requeuing_abandoned(interval=max(1.0, settings.TASK_TIMEOUT / 4))
        return super().handle(*args, **options)
