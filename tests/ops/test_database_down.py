"""The database goes away under a running production app (gunicorn, production settings): visitors get a
503 in their language with Retry-After (JSON clients get JSON), never a 500 or a traceback, and the site
recovers by itself when the database returns, with no restart.

The outage is real: the app reaches PostgreSQL through a TCP proxy that the test closes (cutting the open
connections and refusing new ones) and opens again. The shared PostgreSQL server is never touched.
"""

import json

import pytest
from django.db import connection

from tests.builders import build_campaign, build_index, build_site, translate
from tests.services import TcpProxy, collectstatic, production_env, request, running_app, wait_for

# Committed data, for the app's own connections; serialized_rollback brings back what migrations put in the
# tables (content types…) after an earlier test's flush.
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(scope="module")
def static_root(tmp_path_factory, django_db_setup):
    root = tmp_path_factory.mktemp("static")
    collectstatic(root, production_env())
    return root


@pytest.fixture
def database_proxy():
    proxy = TcpProxy(target_port=int(connection.settings_dict.get("PORT") or 5432)).start()
    yield proxy
    proxy.stop()


@pytest.fixture
def app(tmp_path, static_root, database_proxy):
    database = connection.settings_dict
    url = f"postgres://{database['USER']}@127.0.0.1:{database_proxy.port}/{database['NAME']}"
    with running_app(tmp_path, static_root, DATABASE_URL=url) as (process, port):
        yield process, port


@pytest.fixture
def campaign():
    ring = build_campaign(build_index(build_site()))
    german = translate(ring, "de", title="Amazon Ring: Schluss mit der Polizei-Partnerschaft")
    return ring, german


def test_visitors_get_a_503_while_the_database_is_down_and_the_site_comes_back_by_itself(
    app, database_proxy, campaign
):
    process, port = app
    ring, german = campaign
    assert request(port, "/readyz").status == 200

    database_proxy.stop()

    page = request(port, german.url)
    assert page.status == 503
    assert page.headers["Retry-After"] == "30"
    assert page.headers["Cache-Control"] == "no-store"
    assert page.headers["Content-Language"] == "de"
    assert "Wir sind gleich wieder da" in page.text
    assert "Traceback" not in page.text and "OperationalError" not in page.text

    signing = request(
        port,
        ring.url,
        method="POST",
        headers={"Accept": "application/json", "Content-Type": "application/x-www-form-urlencoded"},
        body="first_name=Ada&last_name=L&email=ada%40example.org&country=GB",
    )
    assert signing.status == 503
    assert signing.headers["Retry-After"] == "30"
    assert json.loads(signing.body)["ok"] is False

    ready = request(port, "/readyz")
    assert ready.status == 503
    assert json.loads(ready.body)["checks"]["database"] == {"ok": False, "error": "OperationalError"}
    assert request(port, "/healthz").status == 200  # the process is alive: no restart wanted

    database_proxy.start()

    wait_for(lambda: request(port, german.url).status == 200, timeout=15, message="the site to recover")
    assert request(port, "/readyz").status == 200
    log = process.output()
    assert "Traceback" not in log
    assert log.count("Database unavailable") == 1  # one warning for the whole outage, not one a request
