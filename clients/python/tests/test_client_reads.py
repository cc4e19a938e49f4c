"""Reading a configuration from the real service: typed values, 304s, tokens, typed problems."""

from __future__ import annotations

import time

import pytest
from partners import CONNECTOR

from tenant_config_client import ProblemError

pytestmark = pytest.mark.slow


def test_get_answers_typed_values_then_revalidates_without_parsing(connect, partner):
    partner.set("messageLogEnabled", "true")
    partner.set("messageLogRetentionDays", "45")
    client = connect()

    first = client.get(CONNECTOR, partner.id)
    second = client.get(CONNECTOR, partner.id)

    assert first["messageLogConfigs"] == {"messageLogEnabled": True, "messageLogRetentionDays": 45}
    assert first["credentials"]["oseriesPassword"] is None  # a default-less secret, not stored
    assert first.etag.startswith('"')
    assert (first.from_cache, first.stale_seconds) == (False, 0.0)
    assert second.etag == first.etag
    assert second["messageLogConfigs"] is first["messageLogConfigs"]  # the 304 parsed nothing
    stats = client.stats()
    assert (stats.requests, stats.changes, stats.not_modified) == (2, 1, 1)
    assert stats.oldest_copy_age_seconds < 5


def test_get_of_one_group_and_a_change_read_at_once(connect, partner):
    partner.set("messageLogEnabled", "true")
    client = connect()
    assert list(client.get(CONNECTOR, partner.id, group="messageLogConfigs")) == [
        "messageLogConfigs"
    ]
    before = client.get(CONNECTOR, partner.id)

    partner.set("messageLogEnabled", "false")
    after = client.get(CONNECTOR, partner.id)

    assert after.etag != before.etag
    assert after["messageLogConfigs"]["messageLogEnabled"] is False
    assert client.stats().not_modified == 0


def test_a_secret_is_revealed_to_a_token_that_may_read_it(connect, partner):
    partner.set("oseriesPassword", "s3cret-Value-42")
    assert connect().get(CONNECTOR, partner.id)["credentials"]["oseriesPassword"] == (
        "s3cret-Value-42"
    )


def test_a_token_is_kept_until_shortly_before_it_expires(connect, partner, token_endpoint):
    token_endpoint.ttl = 3  # with the client's leeway of 1 s: used for up to 2 s
    client = connect()

    client.get(CONNECTOR, partner.id)
    client.get(CONNECTOR, partner.id)
    assert token_endpoint.issued == 1
    time.sleep(2.1)
    client.get(CONNECTOR, partner.id)

    assert token_endpoint.issued == 2
    assert client.stats().token_refreshes == 0


def test_a_refused_token_is_fetched_again_once(connect, partner, token_endpoint):
    token_endpoint.refused_next = 1
    client = connect()

    result = client.get(CONNECTOR, partner.id)

    assert not result.from_cache
    assert token_endpoint.issued == 2
    assert client.stats().token_refreshes == 1


def test_a_token_refused_again_is_a_problem_not_a_loop(connect, partner, token_endpoint):
    token_endpoint.refused_next = 5
    client = connect()

    with pytest.raises(ProblemError) as raised:
        client.get(CONNECTOR, partner.id)

    assert raised.value.status == 401
    assert token_endpoint.issued == 2
    assert client.stats().requests == 1


def test_a_4xx_is_raised_typed_and_never_retried(connect, partner):
    client = connect()
    client.get(CONNECTOR, partner.id)  # a last-known-good copy exists, yet a 4xx is an answer

    with pytest.raises(ProblemError) as raised:
        client.get("NO_SUCH_CONNECTOR", partner.id)

    problem = raised.value
    assert (problem.status, problem.type) == (404, "urn:tenant-config:problem:not-found")
    assert problem.title
    assert problem.detail
    assert problem.trace_id
    assert problem.trace_id in str(problem)
    stats = client.stats()
    assert (stats.requests, stats.retries, stats.fallbacks) == (2, 0, 0)


def test_bad_input_is_refused_before_any_request(connect):
    client = connect()
    with pytest.raises(ValueError, match="partner_tenant"):
        client.get(CONNECTOR, "")
    with pytest.raises(ValueError, match="status"):
        client.report(CONNECTOR, "pt", '"etag"', status="done")  # type: ignore[arg-type]
    assert client.stats().requests == 0
