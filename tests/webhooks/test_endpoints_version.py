"""Saving a webhook endpoint is seen by the next signature, and leaves the page cache alone: the endpoints have
their own version (webhooks.delivery.ENDPOINTS), not the site's content generation."""

import pytest

from serving import generation
from webhooks import delivery
from webhooks.models import EVENTS, Endpoint

pytestmark = pytest.mark.django_db


def test_a_new_endpoint_is_seen_at_once_and_the_pages_stay_cached():
    assert delivery.subscribers() == []
    site_before = generation.current()

    endpoint = Endpoint.objects.create(
        name="Coalition CRM", url="https://crm.example.org/hook", events=list(EVENTS)
    )

    assert delivery.subscribers() == [endpoint]
    assert generation.current() == site_before


def test_a_paused_endpoint_is_dropped_at_once():
    endpoint = Endpoint.objects.create(
        name="Coalition CRM", url="https://crm.example.org/hook", events=list(EVENTS)
    )
    assert delivery.subscribers() == [endpoint]

    endpoint.active = False
    endpoint.save()

    assert delivery.subscribers() == []
