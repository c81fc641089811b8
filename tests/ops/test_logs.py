"""The JSON log format: one object a line, the request id on each, and an exception's kind and frames but
never its message, which may quote what a person typed."""

import json
import logging

from django.db import IntegrityError

from ops.logs import REQUEST_ID, JsonFormatter, RequestIdFilter


def record_of(logger_name, message, *args, exc_info=None):
    record = logging.LogRecord(logger_name, logging.ERROR, __file__, 1, message, args, exc_info)
    RequestIdFilter().filter(record)
    return json.loads(JsonFormatter().format(record))


def test_a_line_names_its_request():
    token = REQUEST_ID.set("4f1c2a9e77")
    try:
        line = record_of("campaigns", "Signed %s", "a petition")
    finally:
        REQUEST_ID.reset(token)

    assert line["message"] == "Signed a petition"
    assert line["request_id"] == "4f1c2a9e77"
    assert line["level"] == "ERROR" and line["logger"] == "campaigns"
    assert line["time"].endswith("+00:00")


def test_an_exception_is_logged_without_its_message():
    address = "ada.lovelace" + "@example.org"  # what a signer typed (the source line shows only the name)

    def save():
        raise IntegrityError(f"duplicate key: Key (email_normalised)=({address}) already exists.")

    try:
        try:
            save()
        except IntegrityError as error:
            raise RuntimeError(f"while signing {address}") from error
    except RuntimeError:
        import sys

        line = record_of("django.request", "Internal Server Error: %s", "/en-us/", exc_info=sys.exc_info())

    assert line["error"] == "RuntimeError"
    assert "in save" in line["traceback"] and "django.db.utils.IntegrityError" in line["traceback"]
    assert "builtins.RuntimeError" in line["traceback"]
    assert "ada.lovelace" not in json.dumps(line)
