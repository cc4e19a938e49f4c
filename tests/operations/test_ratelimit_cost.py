"""The rate limit stays cheap: no thread per request, one Redis round trip, honest Retry-After."""

from __future__ import annotations

import threading
import uuid

import pytest

from tenant_config.operations.ratelimit import EXTENSION
from tests.operations.conftest import REDIS_URL

UNREACHABLE_REDIS = "redis://127.0.0.1:1/0"


@pytest.fixture
def thread_starts(monkeypatch) -> list[threading.Thread]:
    """The threads started from now on (gevent workers would start greenlets instead)."""
    started: list[threading.Thread] = []
    start = threading.Thread.start

    def counting_start(thread: threading.Thread) -> None:
        started.append(thread)
        start(thread)

    monkeypatch.setattr(threading.Thread, "start", counting_start)
    return started


@pytest.mark.parametrize("storage_url", ["", UNREACHABLE_REDIS], ids=["memory", "redis-down"])
def test_counting_in_memory_starts_no_thread(limited_app, headers, thread_starts, storage_url):
    client = limited_app(ratelimit="100/second", ratelimit_storage_url=storage_url).test_client()
    client.get("/tenantintegrations", headers=headers)  # the app's first request warms it up
    thread_starts.clear()

    for _ in range(30):
        assert client.get("/tenantintegrations", headers=headers).status_code == 200

    assert thread_starts == []


def test_redis_is_asked_once_per_request_whatever_the_number_of_limits(
    limited_app, headers, redis_client, monkeypatch
):
    prefix = f"tc-test-{uuid.uuid4().hex}"
    app = limited_app(
        ratelimit="2/second;3/minute;100/hour",
        ratelimit_storage_url=REDIS_URL,
        ratelimit_key_prefix=prefix,
    )
    connection = app.extensions[EXTENSION].redis.get_connection()
    commands = []
    execute = connection.execute_command

    def counting_execute(*args, **options):
        commands.append(args[0])
        return execute(*args, **options)

    monkeypatch.setattr(connection, "execute_command", counting_execute)
    client = app.test_client()

    def status() -> int:
        return client.get("/tenantintegrations", headers=headers).status_code

    try:
        assert [status() for _ in range(4)] == [200, 200, 429, 429]
        assert len(commands) == 4
    finally:
        for name in redis_client.scan_iter(match=f"*{prefix}*"):
            redis_client.delete(name)


def test_a_caller_over_an_hourly_limit_in_redis_is_told_to_wait_most_of_the_hour(
    limited_app, headers, redis_client
):
    prefix = f"tc-test-{uuid.uuid4().hex}"
    client = limited_app(
        ratelimit="1/hour", ratelimit_storage_url=REDIS_URL, ratelimit_key_prefix=prefix
    ).test_client()
    try:
        assert client.get("/tenantintegrations", headers=headers).status_code == 200
        response = client.get("/tenantintegrations", headers=headers)

        assert response.status_code == 429
        assert 3500 <= int(response.headers["Retry-After"]) <= 3600
        assert "1 per 1 hour" in response.get_json()["detail"]
    finally:
        for name in redis_client.scan_iter(match=f"*{prefix}*"):
            redis_client.delete(name)
