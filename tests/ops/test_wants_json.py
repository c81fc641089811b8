"""Who gets JSON instead of HTML (ops.errors.wants_json): petition.js asks for it; browsers never get it."""

import pytest
from django.test import RequestFactory

from ops.errors import wants_json

BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,*/*;q=0.8"


@pytest.mark.parametrize(
    ("accept", "json"),
    [
        (None, False),
        ("", False),
        (BROWSER, False),
        ("*/*", False),
        ("application/json", True),
        ("application/json, text/plain, */*", True),
        ("application/*", True),
        ("text/html, application/json;q=0.5", False),
        ("application/json;q=0.5, text/html;q=0.9", False),
        ("text/html;q=0.5, application/json", True),
    ],
)
def test_json_goes_to_clients_that_prefer_it_to_html(accept, json):
    headers = {} if accept is None else {"HTTP_ACCEPT": accept}
    assert wants_json(RequestFactory().post("/en-us/campaigns/ring/", **headers)) is json
