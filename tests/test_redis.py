"""With REDIS_URL set, the cache and the signing rate limit live in Redis, shared by every app process."""

import pytest
from django.core.cache import caches
from django.test import Client

from campaigns.signatures import Signature
from tests.builders import build_campaign, build_index, build_site
from tests.conftest import REDIS_URL

pytestmark = [pytest.mark.redis, pytest.mark.django_db]


@pytest.fixture
def redis_cache(settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "test-rate-limit",
        }
    }
    cache = caches["default"]
    cache.clear()
    yield cache
    cache.clear()


def test_the_rate_limit_is_shared_by_processes_through_redis(redis_cache, settings):
    settings.SIGN_RATE_LIMIT = "2/10m"
    campaign = build_campaign(build_index(build_site()))
    # Two app processes behind a load balancer: two clients, one Redis.
    first, second = Client(), Client()

    def sign(client, n):
        data = {"first_name": "Ada", "last_name": "L", "email": f"a{n}@example.org", "country": "GB"}
        return client.post(campaign.url, data, HTTP_ORIGIN="http://testserver", REMOTE_ADDR="198.51.100.7")

    assert sign(first, 1).status_code == 303
    assert sign(second, 2).status_code == 303
    assert sign(first, 3).status_code == 429
    assert Signature.objects.count() == 2

    # What Redis holds names no address: the client key is a keyed hash.
    keys = [key.decode() for key in redis_cache._cache.get_client().keys("*")]
    assert keys and not any("198.51.100.7" in key for key in keys)
