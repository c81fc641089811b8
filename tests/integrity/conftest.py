import pytest


@pytest.fixture
def integrity_rates():
    """The integrity rates per address and network on, as in production (tests/conftest.py turns them off)."""
    return True


@pytest.fixture
def fill_time_rule():
    """The fill-time rule on, at the managers' threshold (tests/conftest.py turns it off for the browser tests,
    which fill the form at once)."""
    return True
