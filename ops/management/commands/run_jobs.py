"""The clock process: runs the site's recurring jobs itself, so a deployment needs no cron.

    manage.py run_jobs           # runs for ever: every job at start, then each on its own interval
    manage.py run_jobs --once    # every job once, then exits (for a platform's own scheduler or cron)

Every job is safe to run again at any moment (a reminder is sent once per signature, deletions and
anonymisation only touch what is due), so a restarted clock simply starts with all of them. Run one clock per
deployment: two would only do the same work twice. A job that fails is logged and tried again at its next
turn; it never stops the others.
"""

import logging
import signal
import threading
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import close_old_connections, transaction

logger = logging.getLogger(__name__)

MINUTE = 60
HOUR = 60 * MINUTE
DAY = 24 * HOUR

# (command and its arguments, interval in seconds): the recurring jobs README "Deploying" lists.
JOBS = (
    (("send_scheduled_updates",), MINUTE),  # updates whose scheduled time has come (updates/scheduling.py)
    (("send_reminders",), HOUR),  # the one reminder to signers who have not confirmed yet
    (("delete_unconfirmed",), HOUR),  # signatures whose link expired unopened: kept no longer than that
    (("purge_documents",), HOUR),  # petition PDFs (they name signers) a week after they were asked for
    (("detect_trends",), HOUR),  # sources bringing far more signatures than usual (integrity/trends.py)
    (("apply_retention",), DAY),  # signers' details of campaigns closed longer than their retention period
    (("reconcile_counts",), DAY),  # the public counts checked against the rows
    (("prune_db_task_results", "--queue-name", "*"), DAY),  # finished tasks, whose arguments name signatures
)


class Command(BaseCommand):
    help = (
        "Run the recurring jobs (reminders, deleting unconfirmed signatures, retention…) on their intervals."
    )

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run every job once, then exit.")

    def handle(self, *args, once=False, **options):
        stopping = threading.Event()
        if not once:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stopping.set())
        jobs = [(job, interval) for job, interval in JOBS if wanted(job)]
        due = {job: 0.0 for job, _interval in jobs}
        while not stopping.is_set():
            for job, interval in jobs:
                if stopping.is_set() or time.monotonic() < due[job]:
                    continue
                self.run(*job)
                due[job] = time.monotonic() + interval
            if once:
                return
            fresh_connections()  # idle for an hour: the next pass opens a connection afresh
            stopping.wait(max(1.0, min(due.values()) - time.monotonic()))

    def run(self, name, *arguments):
        try:
            call_command(name, *arguments, stdout=self.stdout, stderr=self.stderr)
        except Exception:
            logger.exception("The recurring job %s failed; it runs again at its next turn", name)
            fresh_connections()  # a connection the failure left broken is not used for the next job


def wanted(job):
    """Every job, except pruning the task table where tasks are not kept in the database (development runs
    them at once)."""
    if job[0] == "prune_db_task_results":
        return settings.TASKS["default"]["BACKEND"].startswith("django_tasks_db.")
    return True


def fresh_connections():
    """Close database connections that broke or grew old, as Django does between requests; never inside a
    transaction (a caller's own, such as a test's), whose connection is in use."""
    if not transaction.get_connection().in_atomic_block:
        close_old_connections()
