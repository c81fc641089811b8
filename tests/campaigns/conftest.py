"""Fixtures for the petition tests: a published campaign, form data a signer would send, a fresh cache."""

import pytest
from django.core.cache import cache

from tests.builders import build_campaign, build_index, build_site

ORIGIN = "http://testserver"  # what a browser sends when the test client's own pages post


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit windows live in the cache; each test starts with none spent."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def campaign(db):
    return build_campaign(build_index(build_site()))


@pytest.fixture
def sign_data():
    """Form data of a signer; keyword arguments override fields (None leaves a field out)."""

    def make(**overrides):
        data = {
            "first_name": "Ada",
            "last_name": "Lovelace",
            "email": "ada@example.org",
            "country": "GB",
            "postal_code": "N1 9GU",
        }
        data.update(overrides)
        return {name: value for name, value in data.items() if value is not None}

    return make
