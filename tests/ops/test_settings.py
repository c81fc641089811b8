"""Production settings come from the environment: without what they need they refuse to start, in one
line that names every missing variable; with it, Django's deployment checks pass without a warning."""

import os
import subprocess
import sys

import pytest

from config.env import VARIABLES
from tests.services import ROOT, SECRET_KEY

REQUIRED = [var.name for var in VARIABLES if var.production]
PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": SECRET_KEY,
    "DATABASE_URL": "postgres://campaigns@db.internal:5432/campaigns",
    "REDIS_URL": "redis://cache.internal:6379/0",
    "ALLOWED_HOSTS": "campaigns.example.org",
    "BASE_URL": "https://campaigns.example.org",
    "DEFAULT_FROM_EMAIL": "Campaigns <campaigns@example.org>",
    "EMAIL_URL": "smtp://mailer:secret@smtp.example.org:587",
    "AWS_STORAGE_BUCKET_NAME": "campaigns-media",
}


def manage(*args, **environ):
    # Not the test run's own settings (and not the browser tests' DJANGO_ALLOW_ASYNC_UNSAFE either).
    clean = {
        name: value
        for name, value in os.environ.items()
        if name not in PRODUCTION and name != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **environ},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_every_variable_production_needs_is_required():
    assert set(REQUIRED) == set(PRODUCTION) - {"DJANGO_SETTINGS_MODULE"}


def test_production_without_its_variables_names_each_missing_one_in_one_line():
    result = manage("check", DJANGO_SETTINGS_MODULE="config.settings.production")

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert line.startswith("Production needs these environment variables, which are not set: ")
    for name in REQUIRED:
        assert name in line


def test_one_missing_variable_is_named_alone():
    environ = {**PRODUCTION}
    del environ["EMAIL_URL"]

    result = manage("migrate", "--check", **environ)

    assert result.returncode == 1
    assert result.stderr.strip().endswith(
        "which are not set: EMAIL_URL (each is described in config/env.py)."
    )


def test_production_without_a_media_bucket_refuses_to_start_rather_than_lose_uploads():
    """Nothing in production serves uploads from the app's disk (WhiteNoise serves static files only), so
    without S3 every uploaded image would be a broken link, and a second machine would not have the files."""
    environ = {**PRODUCTION}
    del environ["AWS_STORAGE_BUCKET_NAME"]

    result = manage("check", **environ)

    assert result.returncode == 1
    assert result.stderr.strip() == (
        "Production needs these environment variables, which are not set: AWS_STORAGE_BUCKET_NAME "
        "(each is described in config/env.py)."
    )


def test_deployment_checks_pass_without_a_warning():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


@pytest.mark.parametrize("variable", ["HSTS_PRELOAD", "HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT"])
def test_turning_off_an_hsts_or_https_option_is_a_choice_the_checks_respect(variable):
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, **{variable: "false"})
    assert result.returncode == 0, result.stderr


def test_hsts_preload_and_subdomains_follow_the_environment():
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings as s\n"
        "print(s.SECURE_HSTS_SECONDS, s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_HSTS_PRELOAD)\n"
    )
    on = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION},
        capture_output=True,
        text=True,
    )
    off = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env={**os.environ, **PRODUCTION, "HSTS_PRELOAD": "false", "HSTS_INCLUDE_SUBDOMAINS": "0"},
        capture_output=True,
        text=True,
    )
    assert on.stdout.split() == ["31536000", "True", "True"], on.stderr
    assert off.stdout.split() == ["31536000", "False", "False"], off.stderr


def test_an_unknown_mail_scheme_is_refused():
    result = manage("check", **{**PRODUCTION, "EMAIL_URL": "smtps://smtp.example.org"})
    assert result.returncode == 1
    assert "EMAIL_URL must start with smtp://, smtp+ssl:// or smtp+plain://" in result.stderr


def test_a_read_replica_and_its_router_come_with_database_replica_url():
    script = (
        "import django; django.setup()\n"
        "from django.conf import settings as s\n"
        "print(sorted(s.DATABASES), s.DATABASE_ROUTERS, s.DATABASES.get('replica', {}).get('HOST', '-'))\n"
    )

    def production_settings(**extra):
        clean = {name: value for name, value in os.environ.items() if name != "DATABASE_REPLICA_URL"}
        result = subprocess.run(
            [sys.executable, "-c", script],
            cwd=ROOT,
            env={**clean, **PRODUCTION, **extra},
            capture_output=True,
            text=True,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    replica = "postgres://reader@replica.internal:5432/campaigns"
    assert production_settings() == "['default'] [] -"
    assert production_settings(DATABASE_REPLICA_URL=replica) == (
        "['default', 'replica'] ['ops.dbrouter.ReplicaRouter'] replica.internal"
    )
    checks = manage(
        "check", "--deploy", "--fail-level", "WARNING", **PRODUCTION, DATABASE_REPLICA_URL=replica
    )
    assert checks.returncode == 0, checks.stderr


def test_an_unknown_tasks_backend_is_named_not_guessed():
    """TASKS_BACKEND=db (not "database") must not quietly run tasks in the request, nor fail later."""
    result = manage("check", DJANGO_SETTINGS_MODULE="config.settings.dev", TASKS_BACKEND="db")

    assert result.returncode == 1
    assert "TASKS_BACKEND must be one of: immediate, database." in result.stderr
