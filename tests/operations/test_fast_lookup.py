"""Repeated lookups answered before Flask: the same bytes, headers, log line, metrics and limits."""

from __future__ import annotations

import json

import pytest
from prometheus_client import REGISTRY

from tenant_config.operations.fast_lookup import ROUTE
from tests.support.urls import lookup_url

PER_REQUEST = {"X-Request-ID", "Content-Length"}


@pytest.fixture
def counted_app(make_app):
    """An app of this test's own that counts the requests Flask itself handles."""

    def build(**overrides):
        app = make_app(**overrides)
        app.flask_requests = 0

        @app.before_request
        def count() -> None:
            app.flask_requests += 1

        return app

    return build


def kept_headers(response) -> dict[str, str]:
    return {k: v for k, v in response.headers.items() if k not in PER_REQUEST}


def access_lines(text: str) -> list[dict]:
    lines = [json.loads(line) for line in text.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("logger") == "tenant_config.access"]


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_a_repeated_lookup_is_answered_before_flask_exactly_as_flask_did(
    counted_app, headers, integration, new_config, capsys
):
    new_config(name="p", value="v0")
    app = counted_app()
    client = app.test_client()
    labels = {"method": "GET", "route": ROUTE, "status": "200"}
    counted = sample("tenant_config_http_requests_total", **labels)
    capsys.readouterr()
    first = client.get(lookup_url(integration), headers=headers)
    again = client.get(lookup_url(integration), headers=headers | {"X-Request-ID": "trace-42"})
    assert app.flask_requests == 1  # the second never reached Flask
    assert (again.status_code, again.get_data()) == (200, first.get_data())
    assert kept_headers(again) == kept_headers(first)
    assert again.headers["X-Request-ID"] == "trace-42"
    assert again.headers["Content-Length"] == first.headers["Content-Length"]
    full, fast = access_lines(capsys.readouterr().out)
    assert fast["traceId"] == "trace-42"
    assert {k: v for k, v in fast.items() if k not in ("time", "durationMs", "traceId")} == {
        k: v for k, v in full.items() if k not in ("time", "durationMs", "traceId")
    }
    assert sample("tenant_config_http_requests_total", **labels) == counted + 2


def test_a_revalidation_answers_the_304_flask_answers(
    counted_app, headers, integration, new_config
):
    new_config(name="p", value="v0")
    full_way = counted_app(answer_cache_mb=0).test_client()  # no cache: Flask answers everything
    app = counted_app()
    client = app.test_client()
    etag = client.get(lookup_url(integration), headers=headers).headers["ETag"]
    conditional = headers | {"If-None-Match": f'W/"x", {etag}'}
    by_flask = full_way.get(lookup_url(integration), headers=conditional)
    fast = client.get(lookup_url(integration), headers=conditional)
    assert app.flask_requests == 1
    assert (fast.status_code, by_flask.status_code) == (304, 304)
    assert fast.get_data() == b""
    assert kept_headers(fast) == kept_headers(by_flask)


def test_the_rate_limit_counts_and_refuses_repeated_lookups(
    counted_app, make_token, tenant, integration, new_config
):
    new_config(name="p", value="v0")
    app = counted_app(ratelimit_enabled=True, ratelimit="3/minute")
    client = app.test_client()
    headers = {"Authorization": f"Bearer {make_token(tenants=[tenant])}"}
    statuses = [client.get(lookup_url(integration), headers=headers).status_code for _ in range(5)]
    assert statuses == [200, 200, 200, 429, 429]
    refused = client.get(lookup_url(integration), headers=headers)
    assert refused.headers["Content-Type"] == "application/problem+json"
    assert 1 <= int(refused.headers["Retry-After"]) <= 60


def test_anything_but_a_plain_repeat_goes_the_full_way(
    counted_app, make_token, headers, tenant, integration, new_config
):
    new_config(name="p", value="v0")
    app = counted_app()
    client = app.test_client()
    url = lookup_url(integration)
    assert client.get(url, headers=headers).status_code == 200
    assert app.flask_requests == 1
    without_scope = {"Authorization": f"Bearer {make_token(scopes=['other'], tenants=[tenant])}"}
    assert client.get(url, headers=without_scope).status_code == 403
    assert client.get(url, headers={"Authorization": "Bearer not-a-token"}).status_code == 401
    assert client.get(url).status_code == 401
    assert client.get(url, headers=headers | {"Origin": "https://x.example"}).status_code == 200
    assert client.head(url, headers=headers).status_code == 200
    assert client.get(f"{url}?access_token=x", headers=headers).status_code == 400
    assert app.flask_requests == 7  # each of them, by Flask
    assert client.get(url, headers=headers).status_code == 200
    assert app.flask_requests == 7


@pytest.mark.parametrize(
    "odd",
    [
        {"X-Request-ID": "a\x01b"},
        {"traceparent": "00-" + "f" * 200},
        {"If-None-Match": '"' + "\x7f" * 50},
        {"If-None-Match": "*"},
        {"Authorization": "Bearer é" + "x" * 20},
        {"Authorization": "Bearer " + "x" * 20000},
        {"Authorization": "bearer  two  spaces"},
    ],
)
def test_odd_headers_on_a_repeat_never_fail(counted_app, headers, integration, new_config, odd):
    """Odd trace ids and validators are handled as Flask handles them; odd tokens go to Flask."""
    new_config(name="p", value="v0")
    client = counted_app().test_client()
    url = lookup_url(integration)
    first = client.get(url, headers=headers)
    again = client.get(url, headers=headers | odd)
    assert again.status_code in (200, 304, 400, 401), again.get_data()
    if "Authorization" not in odd:
        assert again.status_code == (304 if odd.get("If-None-Match") == "*" else 200)
        assert again.headers["X-Request-ID"] not in ("a\x01b", "")
    assert "ETag" in first.headers
