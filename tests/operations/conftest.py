"""Fixtures for operations tests: rate-limited apps, Redis."""

from __future__ import annotations

import os
import uuid

import pytest
import redis

from tests.support.needs import unavailable

REDIS_URL = os.environ.get("TENANT_CONFIG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


@pytest.fixture
def limited_app(make_app):
    """An app allowing 3 requests per minute per caller, in its own key space."""

    def build(**overrides):
        settings = {
            "ratelimit_enabled": True,
            "ratelimit": "3/minute",
            "ratelimit_key_prefix": f"tc-test-{uuid.uuid4().hex}",
        }
        return make_app(**settings | overrides)

    return build


@pytest.fixture
def redis_client():
    client = redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1)
    try:
        client.ping()
    except redis.RedisError:
        unavailable(f"no Redis at {REDIS_URL}")
    yield client
    client.close()
