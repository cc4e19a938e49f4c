"""Through outages: 429s waited out, the last-known-good copy served while the service is down."""

from __future__ import annotations

import stat
import time

import pytest
from cryptography.fernet import Fernet
from partners import CONNECTOR

from tenant_config_client import Backoff, UnavailableError
from tests.support.servers import free_port

pytestmark = pytest.mark.slow

SECRET = "s3cret-Value-42"


def test_a_429_is_tried_again_after_its_retry_after(connect, partner, start_service):
    limited = start_service(ratelimit_enabled="true", ratelimit="2/second", workers=1)
    client = connect(limited, backoff=Backoff(attempts=5, base=0.05, cap=0.2))

    started = time.monotonic()
    results = [client.get(CONNECTOR, partner.id) for _ in range(4)]
    elapsed = time.monotonic() - started

    assert not any(result.from_cache for result in results)
    stats = client.stats()
    assert stats.rate_limited >= 1
    assert stats.retries == stats.rate_limited
    # Retry-After is at least 1 s; without it the backoff would have waited at most 0.2 s a try.
    assert elapsed >= 1.0


def test_the_last_known_good_copy_serves_while_the_service_is_down(
    connect, partner, start_service, tmp_path
):
    partner.set("oseriesPassword", SECRET)
    partner.set("messageLogEnabled", "true")
    server = start_service()
    before = connect(server)
    fresh = before.get(CONNECTOR, partner.id)

    [copy] = (tmp_path / "lkg").glob("*.lkg")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert SECRET.encode() not in copy.read_bytes()
    assert partner.id.encode() not in copy.read_bytes()
    assert not list((tmp_path / "lkg").glob(".lkg-*"))  # no temporary file left behind

    server.stop()
    time.sleep(0.3)
    same_process = before.get(CONNECTOR, partner.id)
    restarted = connect(server)  # a new process: the copy on disk
    served = restarted.get(CONNECTOR, partner.id)

    for result in (same_process, served):
        assert result.from_cache
        assert result.stale_seconds >= 0.3
        assert result.etag == fresh.etag
        assert result["credentials"]["oseriesPassword"] == SECRET
        assert result["messageLogConfigs"]["messageLogEnabled"] is True
    stats = restarted.stats()
    assert (stats.fallbacks, stats.retries, stats.requests) == (1, 2, 3)
    assert stats.oldest_copy_age_seconds >= 0.3
    with pytest.raises(UnavailableError):  # a copy this key cannot open is no copy
        connect(server, key=Fernet.generate_key().decode()).get(CONNECTOR, partner.id)

    server.start()
    back = restarted.get(CONNECTOR, partner.id)

    assert not back.from_cache
    assert back.stale_seconds == 0.0
    assert back["credentials"]["oseriesPassword"] == SECRET
    assert restarted.stats().not_modified == 1  # the copy from disk revalidated by its ETag


def test_with_no_copy_an_outage_is_raised(connect, partner):
    client = connect(f"http://127.0.0.1:{free_port()}", last_known_good=None)  # nobody listens

    with pytest.raises(UnavailableError, match="could not be reached"):
        client.get(CONNECTOR, partner.id)

    stats = client.stats()
    assert (stats.requests, stats.retries, stats.errors, stats.fallbacks) == (3, 2, 1, 0)


def test_a_503_is_tried_again_after_its_retry_after_then_raised_typed(connect, start_service):
    # Signing keys that cannot be fetched: the service answers 503 with Retry-After: 1.
    keyless = start_service(
        env={"TENANT_CONFIG_JWKS_FILE": ""},
        jwks_url=f"http://127.0.0.1:{free_port()}/jwks.json",
        jwks_refresh_cooldown_seconds=1,
    )
    client = connect(keyless, backoff=Backoff(attempts=2, base=0.05, cap=0.2))

    started = time.monotonic()
    with pytest.raises(UnavailableError) as raised:
        client.get(CONNECTOR, "any-partner")

    assert time.monotonic() - started >= 1.0
    problem = raised.value.problem
    assert problem is not None, repr(raised.value)
    assert (problem.status, problem.type) == (503, "urn:tenant-config:problem:service-unavailable")
    assert problem.trace_id
    assert client.stats().retries == 1
