"""Logs in production: one JSON object a line, each with the id of the request it belongs to, and nothing
that identifies a person: no client address, no exception messages.

- `RequestIdFilter` puts the current request's id (ops.middleware.RequestIdMiddleware) on every record, so
  the lines one request wrote can be found together, and matched with gunicorn's access line and the
  `X-Request-ID` response header a visitor can quote.
- `JsonFormatter` writes time, level, logger, message and request id. An exception is logged as its class
  and its frames, without its message: database and SMTP errors quote the row or the address they failed on
  (an email address in a unique-constraint error, a refused recipient), and logs are kept and shipped to
  places personal data must not go.
- `GunicornLogger` makes gunicorn's own lines JSON too, and removes the client address it writes when it
  rejects a malformed request.
"""

import contextvars
import json
import logging
import re
import traceback
from datetime import UTC, datetime

from gunicorn.glogging import Logger

REQUEST_ID = contextvars.ContextVar("request_id", default="-")


class RequestIdFilter(logging.Filter):
    def filter(self, record):
        record.request_id = REQUEST_ID.get()
        return True


def _frames(exc_info):
    """The traceback's frames (file, line, function, source line) and the class of each exception in the
    chain; never an exception's message."""
    error_type, error, tb = exc_info
    lines = []
    while error is not None:
        frames = traceback.format_list(traceback.extract_tb(error.__traceback__))
        lines[:0] = [*frames, f"{type(error).__module__}.{type(error).__qualname__}\n"]
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
        if error is not None:
            lines[:0] = ["(while handling)\n"]
    return "".join(lines).rstrip()


class JsonFormatter(logging.Formatter):
    def format(self, record):
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", REQUEST_ID.get()),
        }
        if getattr(record, "status_code", None):  # django.request's lines about error responses
            entry["status"] = record.status_code
        if record.exc_info and record.exc_info[1] is not None:
            entry["error"] = type(record.exc_info[1]).__name__
            entry["traceback"] = _frames(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


# gunicorn: "Invalid request from ip=203.0.113.9: Invalid HTTP method" (IPv6 addresses contain colons too).
CLIENT_ADDRESS = re.compile(r"\bip=\S*?: ")


class _NoClientAddress(logging.Filter):
    def filter(self, record):
        message = record.getMessage()
        if "ip=" in message:
            record.msg, record.args = CLIENT_ADDRESS.sub("ip=-: ", message), None
        return True


class GunicornLogger(Logger):
    """gunicorn's error and access logs as JSON lines (config/gunicorn.py: logger_class)."""

    def setup(self, cfg):
        super().setup(cfg)
        self.error_log.addFilter(_NoClientAddress())
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = resp.status.split(None, 1)[0] if isinstance(resp.status, str) else resp.status
        headers = dict((name.lower(), value) for name, value in resp.headers or [])
        entry = {
            "time": datetime.now(UTC).isoformat(timespec="milliseconds"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "message": f"{environ.get('REQUEST_METHOD')} {environ.get('PATH_INFO')} {status}",
            "method": environ.get("REQUEST_METHOD"),
            "path": environ.get("PATH_INFO"),  # no query string: it may carry a search or a token
            "status": int(status),
            "bytes": getattr(resp, "sent", None),
            "ms": round(request_time.total_seconds() * 1000, 1),
            "request_id": headers.get("x-request-id", "-"),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))
