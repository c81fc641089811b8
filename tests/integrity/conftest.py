import pytest


@pytest.fixture
def integrity_rates():
    """The integrity rates per address and network on, as in production (tests/conftest.py turns them off)."""
    return True
