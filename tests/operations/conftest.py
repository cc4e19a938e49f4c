"""Fixtures for operations tests: rate-limited apps, Redis."""

from __future__ import annotations

import os
import uuid

import limits.storage.memory
import limits.strategies
import pytest
import redis

from tenant_config.operations import ratelimit
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


class Clock:
    """A clock the test moves by hand (the limiter's in-memory storage reads it)."""

    def __init__(self, now: float):
        self.now = now

    def time(self) -> float:
        return self.now


@pytest.fixture
def clock(monkeypatch) -> Clock:
    clock = Clock(60 * 1_000_000.0)  # the start of a minute
    monkeypatch.setattr(limits.storage.memory, "time", clock)
    monkeypatch.setattr(limits.strategies, "time", clock)
    monkeypatch.setattr(ratelimit, "time", clock)
    return clock
