"""The fixtures of tests/updates/test_sending.py (a real SMTP server, the Ring campaign in three languages),
for the other tests of updates."""

from tests.updates.test_sending import ring, smtp  # noqa: F401
