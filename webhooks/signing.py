"""How each delivery is signed: the Standard Webhooks scheme (standardwebhooks.com), HMAC-SHA256.

Headers sent with every delivery:
- `webhook-id`: the event's id, the same on every attempt (a receiver that saw it already ignores it);
- `webhook-timestamp`: when this attempt was signed, in UNIX seconds (a receiver refuses old ones);
- `webhook-signature`: `v1,` and the base64 HMAC-SHA256 of `{id}.{timestamp}.{body}` with the endpoint's
  secret (the base64 bytes after `whsec_`).

Receivers can use any Standard Webhooks library, or the lines in README.md ("Webhooks"): `verify` below,
and remembering the ids they took so that a copy of a delivery is refused (tests/webhooks/test_readme_receiver.py).
"""

import base64
import hashlib
import hmac
import time

TOLERANCE = 5 * 60  # seconds a receiver should accept a timestamp away from its own clock


def _key(secret):
    return base64.b64decode(secret.removeprefix("whsec_"))


def signature(secret, event_id, timestamp, body):
    """The `webhook-signature` header's value for one attempt."""
    content = f"{event_id}.{timestamp}.".encode() + body
    digest = hmac.new(_key(secret), content, hashlib.sha256).digest()
    return "v1," + base64.b64encode(digest).decode()


def headers(secret, event_id, body, timestamp=None):
    timestamp = int(time.time()) if timestamp is None else timestamp
    return {
        "webhook-id": str(event_id),
        "webhook-timestamp": str(timestamp),
        "webhook-signature": signature(secret, event_id, timestamp, body),
    }


def verify(secret, headers, body, now=None):
    """What a receiver does: True if `body` was signed with `secret` within TOLERANCE seconds of `now`."""
    timestamp = int(headers["webhook-timestamp"])
    if abs((time.time() if now is None else now) - timestamp) > TOLERANCE:
        return False
    expected = signature(secret, headers["webhook-id"], timestamp, body)
    return any(hmac.compare_digest(expected, given) for given in headers["webhook-signature"].split())
