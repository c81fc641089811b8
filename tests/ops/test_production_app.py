"""The production app as it runs (gunicorn, config/gunicorn.py, production settings): static files served
by the app itself, compressed and cached for ever; logs as JSON lines with a request id, and without the
client's address or anything a signer typed."""

import json
import re
import socket
import subprocess
import sys
from urllib.parse import urlencode

import pytest

from tests.builders import build_campaign, build_index, build_site
from tests.services import ROOT, collectstatic, production_env, request, running_app, wait_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

CLIENT = "203.0.113.77"  # the visitor's address, as the load balancer forwards it


@pytest.fixture(scope="module")
def static_root(tmp_path_factory, django_db_setup):
    root = tmp_path_factory.mktemp("static")
    collectstatic(root, production_env())
    return root


@pytest.fixture
def app(tmp_path, static_root):
    with running_app(tmp_path, static_root, TRUSTED_PROXIES=1) as (process, port):
        yield process, port


@pytest.fixture
def campaign():
    return build_campaign(build_index(build_site()))


def stylesheet(port, campaign):
    html = request(port, campaign.url).text
    return re.search(r'href="(/static/css/site\.[0-9a-f]{12}\.css)"', html).group(1)


def test_static_files_are_hashed_compressed_and_cached_for_ever(app, campaign):
    _process, port = app
    path = stylesheet(port, campaign)

    brotli = request(port, path, headers={"Accept-Encoding": "br"})
    gzipped = request(port, path, headers={"Accept-Encoding": "gzip"})
    plain = request(port, path)

    assert brotli.status == gzipped.status == plain.status == 200
    assert brotli.headers["Content-Encoding"] == "br"
    assert gzipped.headers["Content-Encoding"] == "gzip"
    assert len(brotli.body) < len(plain.body) / 2
    assert brotli.headers["Cache-Control"] == "max-age=315360000, public, immutable"
    assert "Accept-Encoding" in brotli.headers["Vary"]
    # The unhashed name still works, but only for a minute: it changes with each release.
    assert request(port, "/static/css/site.css").headers["Cache-Control"] == "max-age=60, public"


def test_the_own_stylesheets_and_scripts_are_served_minified(app, campaign, settings):
    """static/ keeps readable sources; what production serves has their comments and white space taken out,
    and nothing else: every rule and the url() of each font (now by its hashed name) are still there."""
    _process, port = app
    html = request(port, campaign.url).text
    served = {}
    for source in ("css/site.css", "js/petition.js"):
        stem, extension = source.rsplit(".", 1)
        path = re.search(rf'"(/static/{stem}\.[0-9a-f]{{12}}\.{extension})"', html).group(1)
        served[source] = request(port, path).text
    root = settings.BASE_DIR / "static"
    source_css = (root / "css/site.css").read_text()
    source_js = (root / "js/petition.js").read_text()

    assert len(served["css/site.css"]) < 0.8 * len(source_css)
    assert len(served["js/petition.js"]) < 0.8 * len(source_js)
    assert "/*" not in served["css/site.css"] and "\n    " not in served["css/site.css"]
    assert source_css.count("{") == served["css/site.css"].count("{")
    assert re.search(r"url\(\"?[^)]*fonts/[^)]+\.[0-9a-f]{12}\.woff2", served["css/site.css"])
    assert "addEventListener" in served["js/petition.js"]


def test_every_log_line_is_json_with_the_request_id_and_nothing_about_the_visitor(app, campaign):
    process, port = app
    signer = {
        "first_name": "Ada",
        "last_name": "Lovelace",
        "email": "ada.lovelace@example.org",
        "country": "GB",
    }
    signed = request(
        port,
        campaign.url,
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded",
            "Origin": "https://campaigns.example.org",
            "X-Forwarded-For": CLIENT,
        },
        body=urlencode(signer),
    )
    missing = request(
        port, "/en-us/no-such-page/?email=ada.lovelace@example.org", headers={"X-Forwarded-For": CLIENT}
    )
    with socket.create_connection(("127.0.0.1", port)) as raw:  # a malformed request: gunicorn logs it
        raw.sendall(b"NONSENSE\r\n\r\n")
        raw.recv(1024)

    assert signed.status == 303 and missing.status == 404

    def read_lines():
        return [json.loads(line) for line in process.output().splitlines() if line.strip()]

    def accessed(line, response):
        return line["logger"] == "gunicorn.access" and line["request_id"] == response.headers["X-Request-ID"]

    # gunicorn writes its access line once the response has gone, so it may come a moment after the answer.
    wait_for(
        lambda: all(any(accessed(line, r) for line in read_lines()) for r in (signed, missing)),
        timeout=10,
        message="gunicorn's access lines",
    )
    lines = read_lines()
    by_request = {}
    for line in lines:
        by_request.setdefault(line["request_id"], []).append(line)
    # The 404: Django's warning and gunicorn's access line share the id the response carried.
    not_found = by_request[missing.headers["X-Request-ID"]]
    assert {line["logger"] for line in not_found} == {"django.request", "gunicorn.access"}
    assert [line["status"] for line in not_found if line["logger"] == "gunicorn.access"] == [404]
    assert any(line["logger"] == "gunicorn.access" for line in by_request[signed.headers["X-Request-ID"]])
    assert any("Invalid request from ip=-" in line["message"] for line in lines)

    # gunicorn names the address it listens on (loopback, config/gunicorn.py) once, at start: its own, not a
    # client's. Every other mention of 127.0.0.1 would be the test client's.
    log = process.output().replace(f"Listening at: http://127.0.0.1:{port}", "Listening at: <its address>")
    for secret in (CLIENT, "127.0.0.1", "ada.lovelace", "Lovelace"):
        assert secret not in log


def test_workers_start_with_the_apps_objects_out_of_the_garbage_collectors_sight():
    """gunicorn imports the app once, then forks its workers (preload_app). Just before each fork,
    config/gunicorn.py freezes what exists (gc.freeze), so that a worker's full garbage collection does not
    walk Django's and Wagtail's objects: a pause of about 100 ms for every thread of the worker otherwise."""
    script = (
        "import gc, runpy\n"
        "hooks = runpy.run_path('config/gunicorn.py')\n"
        "import config.wsgi\n"  # what preload_app does before forking
        "objects = len(gc.get_objects())\n"
        "hooks['pre_fork'](None, None)\n"
        "print(objects, gc.get_freeze_count(), len(gc.get_objects()))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=production_env(), capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    before, frozen, visible = map(int, result.stdout.split())
    assert before > 100_000  # the loaded app
    assert frozen >= before
    assert visible < 1_000
