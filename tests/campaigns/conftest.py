"""Fixtures for the petition tests: a published campaign and the form data a signer would send."""

import pytest

from tests.builders import build_campaign, build_index, build_site

ORIGIN = "http://testserver"  # what a browser sends when the test client's own pages post


@pytest.fixture
def campaign(db):
    return build_campaign(build_index(build_site()))
