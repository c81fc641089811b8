"""The real SMTP server of the updates' tests (tests/updates/test_sending.py), for the branded mails' tests."""

from tests.updates.test_sending import smtp  # noqa: F401
