"""Settings of the real `manage.py db_worker` process the killed-worker test starts: the test settings, with
the database queue production uses (DATABASE_URL names the test's database)."""

from config.settings.test import *  # noqa: F403

TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
