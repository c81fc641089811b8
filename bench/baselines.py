"""The baseline and the ceiling of `make bench`, as projects of their own, generated for each run.

- **Stock Wagtail**: `wagtail start` from the installed Wagtail, with one form page (an AbstractEmailForm, as
  Wagtail's documentation builds it) carrying the campaign's six fields, and nothing else changed: wagtail
  start's production settings and middleware (only the database, the secret key and the host names are
  said, in the settings/local.py that its production.py imports), gunicorn with the same number of worker
  processes as the site, gunicorn's own default (sync) worker.
- **Bare Django**: `django-admin startproject` with startproject's middleware, one app with one model, a view
  that stores one row with the ORM and a view that returns 20 KB from memory; gunicorn 4 × 4 gthread like
  the site (the same --workers and --threads).

Both are written under a temporary folder from the small templates in bench/baselines/ (nothing generated is
kept in the repository), each on its own database of the same PostgreSQL server, and served by its own
gunicorn on its own port, from outside, as the site is.
"""

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from urllib.parse import unquote, urlsplit

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = Path(__file__).resolve().parent / "baselines"
BIN = Path(sys.executable).parent  # the project's .venv/bin: the installed Wagtail, Django and gunicorn
SECRET_KEY = "bench-baseline-secret-key-0123456789-abcdefghijklmnopqrstuvwxyz"


def _template(name):
    return (TEMPLATES / f"{name}.tmpl").read_text()


def _postgres_env(server):
    """libpq's variables for `server` (postgres://user:password@host:port), which psycopg reads: the
    generated settings then name only their database."""
    url = urlsplit(server)
    env = {"PGHOST": url.hostname or "127.0.0.1", "PGPORT": str(url.port or 5432)}
    if url.username:
        env["PGUSER"] = unquote(url.username)
    if url.password:
        env["PGPASSWORD"] = unquote(url.password)
    return env


def _recreate_database(server, name):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.execute(f"CREATE DATABASE {name}")


class Project:
    """A generated project: its folder, its environment, and its gunicorn (a context manager)."""

    def __init__(self, name, folder, env, wsgi, port, gunicorn_args, probe):
        self.name, self.folder, self.env, self.wsgi = name, folder, env, wsgi
        self.port, self.gunicorn_args, self.probe = port, gunicorn_args, probe
        self.base = f"http://127.0.0.1:{port}"

    def manage(self, *args, **kwargs):
        subprocess.run(
            [str(BIN / "python"), "manage.py", *args],
            cwd=self.folder,
            env=self.env,
            check=True,
            stdout=subprocess.DEVNULL,
            **kwargs,
        )

    def __enter__(self):
        self.process = subprocess.Popen(
            [
                str(BIN / "gunicorn"),
                "--bind",
                f"127.0.0.1:{self.port}",
                # gunicorn's default control socket is one per user: two instances would take each other's.
                "--control-socket",
                str(self.folder / "gunicorn.ctl"),
                "--error-logfile",
                str(self.folder / "gunicorn.log"),
                *self.gunicorn_args,
                self.wsgi,
            ],
            cwd=self.folder,
            env=self.env,
            stdout=subprocess.DEVNULL,
        )
        for _ in range(300):
            try:
                urllib.request.urlopen(self.base + self.probe, timeout=2)
                return self
            except OSError:
                if self.process.poll() is not None:
                    raise SystemExit(f"{self.name}: gunicorn exited") from None
                time.sleep(0.1)
        raise SystemExit(f"{self.name}: gunicorn did not start")

    def __exit__(self, *exc):
        self.process.terminate()
        self.process.wait(30)


def _base_env(server, database):
    return {
        "PATH": f"{BIN}:{os.environ.get('PATH', '/usr/bin:/bin')}",
        "HOME": os.environ.get("HOME", "/tmp"),
        "LANG": "C.UTF-8",
        "BENCH_SECRET_KEY": SECRET_KEY,
        "BENCH_DATABASE_NAME": database,
        **_postgres_env(server),
    }


def stock_wagtail(folder, server, port, workers, page):
    """Generate, migrate and fill a stock Wagtail site in `folder`; `page` is {"title", "intro", "fields"}
    (fields: (label, Wagtail field type, required, choices)). Returns its Project; the petition is at
    /petition/."""
    database = "campaigns_bench_stock"
    folder.mkdir(parents=True)
    subprocess.run(
        [str(BIN / "wagtail"), "start", "stocksite", str(folder)], check=True, stdout=subprocess.DEVNULL
    )
    (folder / "stocksite" / "settings" / "local.py").write_text(_template("stock_local.py"))
    with (folder / "home" / "models.py").open("a") as models:
        models.write(_template("stock_models.py"))
    templates = folder / "home" / "templates" / "home"
    (templates / "form_page.html").write_text(_template("stock_form_page.html"))
    (templates / "form_page_landing.html").write_text(_template("stock_form_page_landing.html"))
    (folder / "make_page.py").write_text(_template("stock_make_page.py"))
    (folder / "page.json").write_text(json.dumps(page))
    env = {
        **_base_env(server, database),
        "DJANGO_SETTINGS_MODULE": "stocksite.settings.production",
        "BENCH_PAGE_SPEC": str(folder / "page.json"),
    }
    _recreate_database(server, database)
    project = Project(
        "stock Wagtail", folder, env, "stocksite.wsgi", port, ["--workers", str(workers)], "/petition/"
    )
    project.manage("makemigrations", "home")
    project.manage("migrate")
    project.manage("collectstatic", "--noinput")  # wagtail start's production stores them in a manifest
    project.manage("shell", "-c", "exec(open('make_page.py').read())")
    return project


def bare_django(folder, server, port, workers, threads):
    """Generate and migrate a bare Django project in `folder`. Returns its Project: /20k/ and /insert/."""
    database = "campaigns_bench_bare"
    folder.mkdir(parents=True)
    subprocess.run(
        [str(BIN / "django-admin"), "startproject", "ceiling", str(folder)],
        check=True,
        stdout=subprocess.DEVNULL,
    )
    with (folder / "ceiling" / "settings.py").open("a") as settings:
        settings.write(_template("bare_settings.py"))
    app = folder / "rows"
    (app / "migrations").mkdir(parents=True)
    (app / "__init__.py").write_text("")
    (app / "migrations" / "__init__.py").write_text("")
    (app / "models.py").write_text(_template("bare_models.py"))
    (app / "views.py").write_text(_template("bare_views.py"))
    (folder / "ceiling" / "urls.py").write_text(_template("bare_urls.py"))
    env = {**_base_env(server, database), "DJANGO_SETTINGS_MODULE": "ceiling.settings"}
    _recreate_database(server, database)
    project = Project(
        "bare Django",
        folder,
        env,
        "ceiling.wsgi",
        port,
        ["--workers", str(workers), "--threads", str(threads), "--worker-class", "gthread"],
        "/20k/",
    )
    project.manage("makemigrations", "rows")
    project.manage("migrate")
    return project


def drop_databases(server):
    import psycopg

    with psycopg.connect(f"{server}/postgres", autocommit=True) as connection:
        for name in ("campaigns_bench_stock", "campaigns_bench_bare"):
            connection.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def remove(folder):
    shutil.rmtree(folder, ignore_errors=True)
