"""What `make run PORT=…` does, as it does it: `manage.py setup_demo` on a fresh SQLite file with BASE_URL at
that port, then the development server. Every link the site writes (canonical, hreflang, og:url, the link in
the confirmation mail it prints) points at that port, not at 8000 or 80."""

import os
import re
import subprocess
import sys

import pytest

from tests.services import ROOT, Process, free_port, port_open, request, wait_for

# Variables of the developer's shell or of another test run that `make run` would not see here.
FOREIGN = {
    "DATABASE_URL",
    "DATABASE_REPLICA_URL",
    "REDIS_URL",
    "AWS_STORAGE_BUCKET_NAME",
    "DJANGO_ALLOW_ASYNC_UNSAFE",
}


def sign(port):
    signer = "first_name=Ada&last_name=Lovelace&email=ada%40example.org&country=GB&postal_code=N1"
    signed = request(
        port,
        "/en-us/campaigns/amazon-ring/",
        method="POST",
        body=signer,
        headers={
            "Host": f"127.0.0.1:{port}",
            "X-Forwarded-Proto": "http",
            "Origin": f"http://127.0.0.1:{port}",
            "Content-Type": "application/x-www-form-urlencoded",
        },
    )
    assert signed.status == 303, signed.text[-2000:]


@pytest.fixture
def make_run_environment(tmp_path):
    port = free_port()
    environ = {name: value for name, value in os.environ.items() if name not in FOREIGN}
    environ.update(
        DJANGO_SETTINGS_MODULE="config.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        MEDIA_ROOT=str(tmp_path / "media"),
        BASE_URL=f"http://127.0.0.1:{port}",
        ADMIN_PASSWORD="correct-horse-battery",
        PYTHONUNBUFFERED="1",
    )
    return port, environ


def test_setup_demo_then_runserver_serve_the_demo_and_link_to_the_chosen_port(make_run_environment, tmp_path):
    port, environ = make_run_environment
    setup = subprocess.run(
        [sys.executable, "manage.py", "setup_demo"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert setup.returncode == 0, setup.stderr
    assert "Compiled" in setup.stdout  # the catalogs
    assert "Demo content loaded" in setup.stdout
    assert re.search(rf"Default site (now|already) at http://127\.0\.0\.1:{port}\.", setup.stdout)
    # The admin login is the last thing said before the server starts, not lost among the migrations.
    assert "Applying " not in setup.stdout
    assert re.search(r"^Database migrated: \d{3,} migrations applied\.$", setup.stdout, re.MULTILINE)
    last_lines = setup.stdout.rstrip().splitlines()[-3:]
    assert last_lines[0] == last_lines[2] and set(last_lines[0]) == {"-"}
    assert (
        last_lines[1]
        == f"Admin login: http://127.0.0.1:{port}/admin/  user: admin  password: correct-horse-battery"
    )

    server = Process(
        [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
        environ,
        tmp_path / "runserver.log",
    )
    try:
        wait_for(lambda: port_open(port), timeout=120, message="the development server")
        headers = {"Host": f"127.0.0.1:{port}", "X-Forwarded-Proto": "http"}
        page = request(port, "/en-us/campaigns/amazon-ring/", headers=headers)
        assert page.status == 200
        base = f"http://127.0.0.1:{port}/"
        assert f'<link rel="canonical" href="{base}en-us/campaigns/amazon-ring/">' in page.text
        alternates = re.findall(r'<link rel="alternate" hreflang="[^"]+" href="([^"]+)"', page.text)
        assert len(alternates) >= 5 and all(href.startswith(base) for href in alternates)
        assert re.search(rf'<meta property="og:url" content="{re.escape(base)}', page.text)

        sign(port)
        # The confirmation mail is printed in the terminal, its link at this port.
        wait_for(lambda: "/sign/confirm/" in server.output(), timeout=30, message="the confirmation mail")
        assert re.search(rf"http://127\.0\.0\.1:{port}/en-us/sign/confirm/\S+/", server.output())
    finally:
        server.stop()


def test_with_tasks_backend_database_the_worker_sends_what_the_site_queued(make_run_environment, tmp_path):
    """README: under `make run` tasks run in the web process; TASKS_BACKEND=database queues them for
    `manage.py db_worker`, which then runs locally as in production (it used to stop with "Backend 'default'
    is not a database backend")."""
    port, environ = make_run_environment
    environ["TASKS_BACKEND"] = "database"
    manage = [sys.executable, "manage.py"]
    setup = subprocess.run([*manage, "setup_demo"], cwd=ROOT, env=environ, capture_output=True, text=True)
    assert setup.returncode == 0, setup.stderr
    server = Process([*manage, "runserver", "--noreload", f"127.0.0.1:{port}"], environ, tmp_path / "web.log")
    try:
        wait_for(lambda: port_open(port), timeout=120, message="the development server")
        sign(port)
    finally:
        server.stop()
    assert "/sign/confirm/" not in server.output()  # queued, not sent by the web process

    worker = subprocess.run(
        [*manage, "db_worker", "--batch", "--no-startup-delay"],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert worker.returncode == 0, worker.stderr
    assert re.search(rf"http://127\.0\.0\.1:{port}/en-us/sign/confirm/\S+/", worker.stdout + worker.stderr)
