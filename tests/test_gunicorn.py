"""The production web server's settings (config/gunicorn.py): its access log never names the client."""

import runpy
from datetime import timedelta
from types import SimpleNamespace

from gunicorn.config import Config
from gunicorn.glogging import Logger


def load_config(monkeypatch, **environ):
    for name, value in environ.items():
        monkeypatch.setenv(name, value)
    settings = runpy.run_path("config/gunicorn.py")
    config = Config()
    for name in ("bind", "workers", "accesslog", "access_log_format", "timeout"):
        config.set(name, settings[name])
    return settings, config


def test_workers_come_from_web_concurrency(monkeypatch):
    settings, _config = load_config(monkeypatch, WEB_CONCURRENCY="7", PORT="8123")
    assert settings["workers"] == 7


def test_it_listens_on_loopback_unless_told_to_listen_on_a_private_network(monkeypatch):
    """Slow clients stall gunicorn: only a buffering proxy may reach it (README, Deploying)."""
    settings, _config = load_config(monkeypatch, PORT="8123")
    assert settings["bind"] == "127.0.0.1:8123"

    settings, _config = load_config(monkeypatch, PORT="8123", BIND_ADDRESS="10.0.3.7")
    assert settings["bind"] == "10.0.3.7:8123"


def test_each_instance_has_its_own_control_socket_in_the_apps_run_directory(monkeypatch, tmp_path):
    from tests.services import ROOT

    monkeypatch.delenv("RUN_DIR", raising=False)
    first, _config = load_config(monkeypatch, PORT="8001")
    second, _config = load_config(monkeypatch, PORT="8002")
    elsewhere, _config = load_config(monkeypatch, PORT="8001", RUN_DIR=str(tmp_path))

    assert first["control_socket"] == str(ROOT / "var" / "run" / "gunicorn-8001.ctl")
    assert second["control_socket"] == str(ROOT / "var" / "run" / "gunicorn-8002.ctl")
    assert elsewhere["control_socket"] == str(tmp_path / "gunicorn-8001.ctl")


def test_the_access_log_records_no_client_address_query_or_agent(monkeypatch, capsys):
    _settings, config = load_config(monkeypatch)
    logger = Logger(config)
    environ = {
        "REMOTE_ADDR": "203.0.113.99",
        "REQUEST_METHOD": "GET",
        "RAW_URI": "/en-us/search/?q=ada.lovelace@example.org",
        "PATH_INFO": "/en-us/search/",
        "QUERY_STRING": "q=ada.lovelace@example.org",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "HTTP_USER_AGENT": "Mozilla/5.0 (distinctive-agent)",
        "HTTP_REFERER": "https://elsewhere.example/private",
    }
    response = SimpleNamespace(status="200 OK", sent=1234, headers=[])
    request = SimpleNamespace(headers=[("X-FORWARDED-FOR", "198.51.100.4")])
    logger.access(response, request, environ, timedelta(milliseconds=12))
    line = capsys.readouterr().out
    assert '"GET /en-us/search/" 200 1234 12ms' in line
    for secret in ("203.0.113.99", "198.51.100.4", "ada.lovelace", "distinctive-agent", "elsewhere.example"):
        assert secret not in line


def test_the_master_warms_the_app_up_once_before_forking_workers(monkeypatch):
    from ops import warmup

    warmed = []
    monkeypatch.setattr(warmup, "warm_up", warmed.append)
    settings, _config = load_config(monkeypatch)
    app = object()

    settings["when_ready"](SimpleNamespace(app=SimpleNamespace(wsgi=lambda: app)))

    assert warmed == [app]


def test_a_worker_takes_new_connections_only_while_it_has_a_free_thread(monkeypatch):
    import selectors
    import socket

    from ops.workers import BalancedThreadWorker

    settings, _config = load_config(monkeypatch)
    assert settings["worker_class"] == "ops.workers.BalancedThreadWorker"
    listener = socket.create_server(("127.0.0.1", 0))
    worker = BalancedThreadWorker.__new__(BalancedThreadWorker)
    worker.cfg = SimpleNamespace(threads=2)
    worker.sockets, worker.poller, worker.alive = [listener], selectors.DefaultSelector(), True
    worker.busy, worker.nr_conns, worker.worker_connections, worker._accepting = 0, 0, 1000, False
    listening = lambda: listener in [key.fileobj for key in worker.poller.get_map().values()]  # noqa: E731

    worker.accept_while_idle()
    assert listening()
    worker.busy = 2  # both threads answering
    worker.accept_while_idle()
    assert not listening()
    worker.set_accept_enabled(True)  # what gunicorn's main loop asks on each turn
    assert not listening()
    worker.busy = 1
    worker.accept_while_idle()
    assert listening()
    listener.close()
