"""Fixtures for the petition tests: a published campaign and the form data a signer would send."""

import pytest

from tests.builders import build_campaign, build_index, build_site

ORIGIN = "http://testserver"  # what a browser sends when the test client's own pages post


@pytest.fixture
def campaign(db):
    return build_campaign(build_index(build_site()))


class FrozenClock:
    """The clock campaigns.goals reads (time.monotonic), standing still until a test moves `now`."""

    def __init__(self):
        self.now = 1000.0

    def monotonic(self):
        return self.now


@pytest.fixture
def goals_clock(monkeypatch):
    """campaigns.milestones on a clock of the test's own, so that "within a second" holds on a slow machine too."""
    from campaigns import milestones

    clock = FrozenClock()
    monkeypatch.setattr(milestones, "time", clock)
    return clock
