"""The webhook receiver README.md gives partners ("Webhooks"), run as written against deliveries signed the way
ours are: it takes a delivery once, refuses a forged one, and refuses a replay, soon or late."""

import re
import time
from pathlib import Path

import pytest
from django.conf import settings

from webhooks import signing
from webhooks.models import new_secret

BODY = b'{"id": "evt_1", "type": "signature.created", "data": {}}'


@pytest.fixture
def receiver():
    """The README's Python block, in a namespace of its own (its `seen` starts empty)."""
    readme = Path(settings.BASE_DIR, "README.md").read_text()
    [code] = [block for block in re.findall(r"```python\n(.*?)```", readme, re.S) if "def verify(" in block]
    namespace = {}
    exec(compile(code, "README.md", "exec"), namespace)
    return namespace


@pytest.fixture
def clock(monkeypatch):
    """The receiver's clock, moved by the test (the README's code reads time.time())."""
    now = [time.time()]
    monkeypatch.setattr(time, "time", lambda: now[0])
    return now


def test_a_delivery_is_taken_once_and_a_copy_of_it_is_refused(receiver, clock):
    secret = new_secret()
    headers = signing.headers(secret, "evt_1", BODY, timestamp=int(clock[0]))

    assert receiver["verify"](secret, headers, BODY) == "new"
    clock[0] += 60
    assert receiver["verify"](secret, headers, BODY) == "seen"  # replayed within the tolerance
    clock[0] += 300
    assert receiver["verify"](secret, headers, BODY) is None  # replayed later: too old


def test_a_forgery_is_refused_and_not_remembered(receiver, clock):
    secret = new_secret()
    headers = signing.headers(secret, "evt_1", BODY, timestamp=int(clock[0]))

    assert receiver["verify"](new_secret(), headers, BODY) is None
    assert receiver["verify"](secret, headers, BODY.replace(b"created", b"erased")) is None
    assert receiver["verify"](secret, headers, BODY) == "new"  # the forgeries did not take its place


def test_it_remembers_ids_only_while_a_copy_could_still_be_accepted(receiver, clock):
    secret = new_secret()
    for n in range(3):
        receiver["verify"](secret, signing.headers(secret, f"evt_{n}", BODY, timestamp=int(clock[0])), BODY)
    clock[0] += 2 * receiver["TOLERANCE"] + 1

    later = signing.headers(secret, "evt_9", BODY, timestamp=int(clock[0]))
    assert receiver["verify"](secret, later, BODY) == "new"
    assert set(receiver["seen"]) == {"evt_9"}
