"""The Procfile, Dockerfile, .dockerignore, compose.yaml and the proxy's Caddyfile agree with the code.

No container engine runs here, so these files are never run by the suite. What can drift is checked instead:
every variable compose gives the app is one config/env.py reads, every variable production requires is given,
every command names a management command, settings module or file that exists, every address points at a
service of the file, the image runs as a user without rights, and the README shows each process's command.
"""

import json
import re
import shlex
import tomllib
from fnmatch import fnmatch
from urllib.parse import urlsplit

import pytest
import yaml
from django.core.management import get_commands

from config.env import VARIABLES
from tests.services import ROOT

KNOWN = {var.name for var in VARIABLES}
REQUIRED = {var.name for var in VARIABLES if var.production}
# Django's own variable, read by manage.py, config/wsgi.py and config/gunicorn.py rather than by settings.
OUTSIDE_THE_TABLE = {"DJANGO_SETTINGS_MODULE"}
PRODUCTION_SETTINGS = "config.settings.production"


def read(name):
    return (ROOT / name).read_text()


def interpolate(value):
    """A compose value as a container gets it with nothing set in the shell: ${X:-default} is the default,
    ${X:?message} is a value the operator must give (here a placeholder), $$ is a dollar sign."""
    value = str(value)
    value = re.sub(r"\$\{(\w+):-([^}]*)\}", lambda m: m.group(2), value)
    value = re.sub(r"\$\{(\w+):\?[^}]*\}", lambda m: f"<{m.group(1)}>", value)
    return value.replace("$$", "$")


@pytest.fixture(scope="module")
def procfile():
    processes = {}
    for line in read("Procfile").splitlines():
        if line.strip() and not line.startswith("#"):
            name, command = line.split(":", 1)
            processes[name.strip()] = command.strip()
    return processes


@pytest.fixture(scope="module")
def compose():
    return yaml.safe_load(read("compose.yaml"))


@pytest.fixture(scope="module")
def app_services(compose):
    """The services that run this project's image."""
    services = {name: s for name, s in compose["services"].items() if "build" in s}
    assert services, "compose.yaml builds no service from the Dockerfile"
    return services


@pytest.fixture(scope="module")
def dockerfile():
    """The final stage's instructions, continuation lines joined: [(INSTRUCTION, arguments)]."""
    text = re.sub(r"\\\n", " ", read("Dockerfile"))
    instructions = [
        tuple(line.strip().split(None, 1))
        for line in text.splitlines()
        if line.strip() and not line.lstrip().startswith("#")
    ]
    last_from = max(i for i, (word, _) in enumerate(instructions) if word.upper() == "FROM")
    return instructions, instructions[last_from:]


def manage_commands(command):
    """The `python manage.py <name> …` commands in a shell command line, each as its argument list."""
    found = []
    for part in re.split(r"&&|;", command):
        words = shlex.split(part)
        if words[:2] == ["python", "manage.py"]:
            found.append(words[2:])
    return found


def exec_form(arguments):
    """A Dockerfile CMD/HEALTHCHECK argument in exec form (a JSON list), as a command line."""
    return shlex.join(json.loads(arguments))


# Procfile


def test_the_procfile_has_the_three_processes(procfile):
    assert set(procfile) == {"web", "worker", "clock", "release"}


def test_the_web_process_is_gunicorn_with_the_projects_config(procfile):
    words = shlex.split(procfile["web"])
    assert words[0] == "gunicorn"
    config = words[words.index("-c") + 1]
    assert (ROOT / config).is_file()
    module = words[-1]
    assert (ROOT / (module.replace(".", "/") + ".py")).is_file()
    assert PRODUCTION_SETTINGS in read(config) or PRODUCTION_SETTINGS in read(
        module.replace(".", "/") + ".py"
    )


def test_every_manage_py_command_exists_and_uses_production_settings(procfile):
    commands = get_commands()
    for process in ("worker", "clock", "release"):
        found = manage_commands(procfile[process])
        assert found, f"the {process} process runs no manage.py command"
        for words in found:
            assert words[0] in commands, f"{process}: no management command {words[0]!r}"
            # manage.py's own default is the development settings (DEBUG on, mails printed, tasks run inline).
            assert f"--settings={PRODUCTION_SETTINGS}" in words, f"{process}: {shlex.join(words)}"


def test_the_worker_runs_the_task_queue_and_the_release_step_prepares_the_database_and_site(procfile):
    assert [words[0] for words in manage_commands(procfile["worker"])] == ["db_worker"]
    assert [words[0] for words in manage_commands(procfile["clock"])] == ["run_jobs"]
    assert [words[0] for words in manage_commands(procfile["release"])] == [
        "migrate",
        "set_site_address",
        "collectstatic",
    ]
    for words in manage_commands(procfile["release"]):
        if words[0] in {"migrate", "collectstatic"}:
            assert "--noinput" in words  # a release step has nobody to answer a question


def test_the_readme_shows_each_processs_command(procfile):
    readme = read("README.md")
    for name, command in procfile.items():
        assert command in readme, f"README does not show the {name} process's command: {command}"


# Dockerfile


def test_the_image_is_the_python_the_project_requires(dockerfile):
    instructions, _final = dockerfile
    requires = tomllib.loads(read("pyproject.toml"))["project"]["requires-python"]
    minor = re.search(r">=\s*3\.(\d+)", requires).group(1)
    for word, arguments in instructions:
        if word.upper() == "FROM":
            assert arguments.split()[0] == f"python:3.{minor}-slim"


def test_the_image_runs_as_a_user_without_rights(dockerfile):
    _instructions, final = dockerfile
    users = [arguments.strip() for word, arguments in final if word.upper() == "USER"]
    assert users, "the final stage never leaves root"
    assert users[-1].split(":")[0] not in {"root", "0"}
    created = " ".join(arguments for word, arguments in final if word.upper() == "RUN")
    assert re.search(rf"useradd\b.*\b{re.escape(users[-1])}\b", created), (
        "USER names a user the image never creates"
    )
    words = [word.upper() for word, _ in final]
    assert words.index("USER") < words.index("CMD")


def test_the_image_installs_only_what_running_needs(dockerfile):
    instructions, _final = dockerfile
    installs = [
        arguments for word, arguments in instructions if word.upper() == "RUN" and "pip install" in arguments
    ]
    assert installs
    for arguments in installs:
        assert "[" not in arguments, f"an extra is installed in the image: {arguments}"
        assert re.search(r"pip install \.(\s|$)", arguments)


def test_the_image_has_the_system_libraries_the_readme_says_the_app_needs(dockerfile):
    _instructions, final = dockerfile
    installed = " ".join(
        arguments for word, arguments in final if word.upper() == "RUN" and "apt-get install" in arguments
    )
    # "You need … Pango for the petition PDF (… a minimal image needs `apt-get install -y …`)"
    packages = re.search(r"Pango.*?`apt-get install -y ([^`]+)`", read("README.md"), re.S).group(1).split()
    for package in packages:
        assert package in installed.split(), f"the image lacks {package}, which README says the app needs"


def test_the_image_compiles_the_catalogs_and_collects_static_files_with_production_settings(dockerfile):
    _instructions, final = dockerfile
    environment = {}
    for word, arguments in final:
        if word.upper() == "ENV":
            environment.update(re.findall(r"(\w+)=(\S+)", arguments))
    assert environment["DJANGO_SETTINGS_MODULE"] == PRODUCTION_SETTINGS
    [build] = [args for word, args in final if word.upper() == "RUN" and "collectstatic" in args]
    assert "manage.py compile_catalogs" in build
    # Production refuses to start without its variables: the build gives each a placeholder, or fails.
    given = set(re.findall(r"\b([A-Z][A-Z0-9_]+)=", build))
    assert REQUIRED <= given, f"the image build does not set {sorted(REQUIRED - given)}"
    assert given <= KNOWN


def test_the_image_serves_the_procfiles_web_process_and_checks_its_health(dockerfile, procfile):
    _instructions, final = dockerfile
    [command] = [arguments for word, arguments in final if word.upper() == "CMD"]
    assert exec_form(command) == procfile["web"]
    [healthcheck] = [arguments for word, arguments in final if word.upper() == "HEALTHCHECK"]
    assert "/healthz" in healthcheck


# .dockerignore


def ignored(path, patterns):
    """Whether Docker leaves `path` (relative, with /) out of the build context (last matching pattern wins)."""
    result = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        parts = path.split("/")
        prefixes = ["/".join(parts[: i + 1]) for i in range(len(parts))]
        if pattern.startswith("**/"):
            tail = pattern[3:]
            hit = any(fnmatch(part, tail) for part in parts) or any(fnmatch(p, tail) for p in prefixes)
        else:
            hit = any(fnmatch(p, pattern) for p in prefixes)
        if hit:
            result = not negate
    return result


@pytest.fixture(scope="module")
def dockerignore():
    return [
        line.strip()
        for line in read(".dockerignore").splitlines()
        if line.strip() and not line.startswith("#")
    ]


@pytest.mark.parametrize(
    "path",
    [
        "var/dev-secret-key",  # the development secret key
        "var/admin-password",
        "var/db.sqlite3",
        ".venv/bin/python",
        ".git/config",
        "media/original_images/photo.jpg",
        "locale/de/LC_MESSAGES/django.mo",  # compiled in the build, never a stale copy
        "campaigns/__pycache__/pages.cpython-311.pyc",
        ".env",
        "tests/conftest.py",
    ],
)
def test_the_build_context_leaves_out_secrets_and_local_state(dockerignore, path):
    assert ignored(path, dockerignore)


def test_the_build_context_keeps_everything_the_image_uses(dockerignore, dockerfile):
    instructions, _final = dockerfile
    copied = [
        source
        for word, arguments in instructions
        if word.upper() == "COPY" and "--from" not in arguments
        for source in arguments.split()[:-1]
        if source != "."
    ]
    needed = [
        *copied,
        "manage.py",
        "config/settings/production.py",
        "config/gunicorn.py",
        "templates/base.html",
    ]
    needed += [str(p.relative_to(ROOT)) for p in ROOT.glob("locale/*/LC_MESSAGES/django.po")]
    needed += [str(p.relative_to(ROOT)) for p in (ROOT / "static").rglob("*") if p.is_file()][:20]
    for path in needed:
        assert (ROOT / path).exists(), path
        assert not ignored(path, dockerignore), f".dockerignore leaves out {path}, which the image needs"


# compose.yaml


def test_compose_runs_two_web_processes_and_every_service_they_need(compose, app_services):
    web = [name for name, service in app_services.items() if "command" not in service]
    assert len(web) >= 2, "compose.yaml runs fewer than two web processes"
    images = {service.get("image", "").split(":")[0] for service in compose["services"].values()}
    assert {"postgres", "redis", "caddy", "minio/minio", "minio/mc"} <= images
    postgres = next(s for s in compose["services"].values() if s.get("image", "").startswith("postgres"))
    assert postgres["image"] == "postgres:15"


def _command(service):
    command = service.get("command")
    if isinstance(command, list):
        return command[-1] if command[:2] == ["sh", "-c"] else shlex.join(command)
    return command


def test_compose_runs_the_procfiles_commands(app_services, procfile):
    commands = [_command(service) for service in app_services.values() if service.get("command")]
    assert procfile["worker"] in commands
    # The release step, less collectstatic: the image already holds the static files (Dockerfile).
    release_steps = [w for w in manage_commands(procfile["release"]) if w[0] != "collectstatic"]
    assert any(manage_commands(command) == release_steps for command in commands)
    # The web processes and the worker wait for it.
    for name, service in app_services.items():
        if service.get("command") is None or "db_worker" in _command(service):
            waits_for = service.get("depends_on", {})
            assert any(
                manage_commands(_command(app_services.get(other, {})) or "") == release_steps
                and condition.get("condition") == "service_completed_successfully"
                for other, condition in waits_for.items()
            ), f"{name} does not wait for the release step"


def test_compose_gives_the_app_only_variables_it_reads_and_every_one_production_requires(app_services):
    for name, service in app_services.items():
        environment = service.get("environment", {})
        unknown = set(environment) - KNOWN - OUTSIDE_THE_TABLE
        assert not unknown, f"{name} sets variables config/env.py does not know: {sorted(unknown)}"
        missing = REQUIRED - set(environment)
        assert not missing, f"{name} would refuse to start: {sorted(missing)} not set"
        assert environment["DJANGO_SETTINGS_MODULE"] == PRODUCTION_SETTINGS


def test_compose_addresses_point_at_its_own_services(compose, app_services):
    services = compose["services"]
    for name, service in app_services.items():
        environment = {key: interpolate(value) for key, value in service["environment"].items()}
        for variable, image in [
            ("DATABASE_URL", "postgres"),
            ("REDIS_URL", "redis"),
            ("AWS_S3_ENDPOINT_URL", "minio/minio"),
            ("EMAIL_URL", "axllent/mailpit"),
        ]:
            host = urlsplit(environment[variable]).hostname
            assert host in services, f"{name}: {variable} points at {host}, no service of compose.yaml"
            assert services[host]["image"].split(":")[0] == image, f"{name}: {variable} → {host}"
        database = urlsplit(environment["DATABASE_URL"])
        db = {key: interpolate(value) for key, value in services[database.hostname]["environment"].items()}
        assert (database.username, database.password, database.path.strip("/")) == (
            db["POSTGRES_USER"],
            db["POSTGRES_PASSWORD"],
            db["POSTGRES_DB"],
        )
        store = next(s for s in services.values() if s.get("image", "").startswith("minio/minio"))
        store_env = {key: interpolate(value) for key, value in store["environment"].items()}
        assert environment["AWS_ACCESS_KEY_ID"] == store_env["MINIO_ROOT_USER"]
        assert environment["AWS_SECRET_ACCESS_KEY"] == store_env["MINIO_ROOT_PASSWORD"]
        assert (
            int(environment["TRUSTED_PROXIES"]) == 1
        )  # the proxy below, and nothing else, writes X-Forwarded-For


def test_compose_creates_the_bucket_the_app_uploads_to(compose, app_services):
    services = compose["services"]
    [creator] = [s for s in services.values() if s.get("image", "").startswith("minio/mc")]
    script = " ".join(creator["command"])
    for name, service in app_services.items():
        bucket = service["environment"]["AWS_STORAGE_BUCKET_NAME"]
        assert re.search(rf"mc mb\b[^&]*/{re.escape(bucket)}\b", script), name
        assert re.search(rf"mc anonymous set download [^&]*/{re.escape(bucket)}\b", script), name
        assert any(
            other in services
            and services[other] is creator
            and condition.get("condition") == "service_completed_successfully"
            for other, condition in service["depends_on"].items()
        )


def test_the_proxy_spreads_requests_over_every_web_process_on_its_port(compose, app_services):
    [proxy] = [s for s in compose["services"].values() if s.get("image", "").startswith("caddy")]
    [mount] = [volume for volume in proxy["volumes"] if volume.endswith("/etc/caddy/Caddyfile:ro")]
    caddyfile = (ROOT / mount.split(":")[0]).read_text()
    [upstreams] = re.findall(r"reverse_proxy ([^{\n]+)", caddyfile)
    web = {name for name, service in app_services.items() if "command" not in service}
    ports = {var.name: var.default for var in VARIABLES}
    port = app_services[sorted(web)[0]]["environment"].get("PORT", ports["PORT"])
    assert set(upstreams.split()) == {f"{name}:{port}" for name in web}
    assert "health_uri /healthz" in caddyfile
    assert set(proxy["depends_on"]) == web


def test_only_the_proxy_reaches_the_web_processes(compose, app_services):
    """gunicorn is stalled by slow clients (README, Deploying): no app container publishes a port, and the web
    processes listen on compose's private network, where the proxy alone talks to them."""
    for name, service in app_services.items():
        assert "ports" not in service, f"{name} publishes a port: the app must never face the internet"
        if "command" not in service:
            assert service["environment"]["BIND_ADDRESS"] == "0.0.0.0", name
    published = [name for name, service in compose["services"].items() if service.get("ports")]
    [proxy] = [name for name in published if compose["services"][name]["image"].startswith("caddy")]
    assert "80" in " ".join(compose["services"][proxy]["ports"])
