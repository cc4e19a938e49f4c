"""Rate limits per caller: 429 problems with Retry-After, keyed by verified identity or address."""

from __future__ import annotations

import uuid

import pytest
from cryptography.fernet import Fernet

from tenant_config.platform.scopes import METRICS_READ
from tenant_config.platform.settings import DEFAULT_RATELIMIT, ConfigurationError, Settings
from tests.operations.conftest import REDIS_URL
from tests.support.tokens import generate_key

BASE_ENV = {
    "TENANT_CONFIG_JWKS_FILE": "/nonexistent/jwks.json",
    "TENANT_CONFIG_JWT_ISSUER": "https://idp.test",
    "TENANT_CONFIG_JWT_AUDIENCE": "tenant-config",
    "TENANT_CONFIG_FERNET_KEYS": Fernet.generate_key().decode(),
}


@pytest.fixture(scope="module")
def stranger_key():
    """A key the service does not trust."""
    return generate_key("stranger")


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def test_caller_over_the_limit_gets_a_429_problem_with_retry_after(limited_app, headers):
    client = limited_app().test_client()
    for _ in range(3):
        assert client.get("/tenantintegrations", headers=headers).status_code == 200

    response = client.get("/tenantintegrations", headers=headers)

    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert problem["type"] == "urn:tenant-config:problem:too-many-requests"
    assert problem["status"] == 429
    assert problem["encounteredBy"] == "user1@companyxyz.com"
    assert "3 per 1 minute" in problem["detail"]
    assert 1 <= int(response.headers["Retry-After"]) <= 60
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_the_budget_is_shared_by_all_operations_and_all_tokens_of_a_caller(
    limited_app, make_token, tenant, integration
):
    client = limited_app().test_client()
    first, second = (bearer(make_token(tenants=[tenant], jti=str(n))) for n in range(2))
    assert client.get("/tenantintegrations", headers=first).status_code == 200
    assert client.get(f"/tenantintegrations/{integration['id']}", headers=first).status_code == 200
    url = f"/tenantintegrations/{integration['id']}/configs"
    assert client.get(url, headers=second).status_code == 200

    assert client.get(url, headers=second).status_code == 429


def test_other_callers_keep_their_own_budget(limited_app, make_token, tenant):
    client = limited_app().test_client()
    alice = bearer(make_token(tenants=[tenant], email="alice@example.com"))
    bob = bearer(make_token(tenants=[tenant], email="bob@example.com"))
    for _ in range(3):
        client.get("/tenantintegrations", headers=alice)
    assert client.get("/tenantintegrations", headers=alice).status_code == 429

    assert client.get("/tenantintegrations", headers=bob).status_code == 200


def test_requests_without_a_valid_token_are_limited_per_address(
    limited_app, make_token, stranger_key
):
    client = limited_app().test_client()
    here, there = {"REMOTE_ADDR": "192.0.2.1"}, {"REMOTE_ADDR": "192.0.2.2"}
    assert client.get("/tenantintegrations", environ_base=here).status_code == 401
    # Rotating invalid tokens does not buy a fresh budget: they count against the address.
    for token in (f"garbage-{uuid.uuid4()}", make_token(key=stranger_key)):
        response = client.get("/tenantintegrations", headers=bearer(token), environ_base=here)
        assert response.status_code == 401

    response = client.get("/tenantintegrations", environ_base=here)
    assert response.status_code == 429
    assert response.mimetype == "application/problem+json"
    assert client.get("/tenantintegrations", environ_base=there).status_code == 401


def test_a_valid_token_is_not_limited_by_its_address(limited_app, headers):
    client = limited_app().test_client()
    for _ in range(3):
        client.get("/tenantintegrations", environ_base={"REMOTE_ADDR": "192.0.2.9"})

    response = client.get(
        "/tenantintegrations", headers=headers, environ_base={"REMOTE_ADDR": "192.0.2.9"}
    )
    assert response.status_code == 200


@pytest.mark.parametrize("metrics_require_token", [False, True])
def test_spec_docs_health_and_metrics_are_exempt(
    limited_app, make_token, headers, metrics_require_token, clock
):
    """A caller over its limit still gets the probes, the docs and its metrics scrape."""
    # The clock stands still: crossing a minute would make room in the sliding window.
    client = limited_app(metrics_require_token=metrics_require_token).test_client()
    scraper = {"Authorization": f"Bearer {make_token(scopes=[METRICS_READ])}"}
    for _ in range(3):
        assert client.get("/tenantintegrations", headers=headers).status_code == 200
    assert client.get("/tenantintegrations", headers=headers).status_code == 429

    paths = ["/openapi.json", "/docs", "/docs/assets/swagger-ui.css", "/health/live"]
    for path in paths:
        for _ in range(4):
            assert client.get(path, headers=headers).status_code == 200, path
    for _ in range(4):
        assert client.get("/health/ready", headers=headers).status_code == 200
        assert client.get("/metrics", headers=scraper).status_code == 200
    assert client.get("/tenantintegrations", headers=headers).status_code == 429


def test_disabled_limits_let_everything_through(limited_app, headers):
    client = limited_app(ratelimit_enabled=False, ratelimit="1/minute").test_client()
    for _ in range(5):
        assert client.get("/tenantintegrations", headers=headers).status_code == 200


def test_redis_storage_shares_the_budget_between_workers(limited_app, headers, redis_client):
    prefix = f"tc-test-{uuid.uuid4().hex}"
    workers = [
        limited_app(ratelimit_storage_url=REDIS_URL, ratelimit_key_prefix=prefix).test_client()
        for _ in range(2)
    ]
    try:
        for client in (workers[0], workers[1], workers[0]):
            assert client.get("/tenantintegrations", headers=headers).status_code == 200

        assert workers[1].get("/tenantintegrations", headers=headers).status_code == 429
        assert list(redis_client.scan_iter(match=f"*{prefix}*"))
    finally:
        for name in redis_client.scan_iter(match=f"*{prefix}*"):
            redis_client.delete(name)


def test_unreachable_redis_falls_back_to_limits_in_memory(limited_app, headers):
    client = limited_app(ratelimit_storage_url="redis://127.0.0.1:1/0").test_client()
    for _ in range(3):
        assert client.get("/tenantintegrations", headers=headers).status_code == 200

    assert client.get("/tenantintegrations", headers=headers).status_code == 429


def test_every_api_operation_documents_429(client):
    spec = client.get("/openapi.json").get_json()
    exempt = ("/health", "/metrics")  # probes and scrapes are never limited
    operations = [
        op
        for path, item in spec["paths"].items()
        if not path.startswith(exempt)
        for op in item.values()
        if "responses" in op
    ]
    assert operations
    for operation in operations:
        assert "429" in operation["responses"], operation["summary"]


def test_settings_read_the_limit_storage_and_switch():
    settings = Settings.from_env(
        BASE_ENV
        | {
            "TENANT_CONFIG_RATELIMIT": "10/second;100/minute",
            "TENANT_CONFIG_RATELIMIT_STORAGE_URL": "redis://127.0.0.1:6379/0",
            "TENANT_CONFIG_RATELIMIT_ENABLED": "false",
        }
    )
    assert settings.ratelimit == "10/second;100/minute"
    assert settings.ratelimit_storage_url == "redis://127.0.0.1:6379/0"
    assert settings.ratelimit_enabled is False
    defaults = Settings.from_env(BASE_ENV)
    assert (defaults.ratelimit, defaults.ratelimit_enabled) == (DEFAULT_RATELIMIT, True)
    assert defaults.ratelimit_storage_url == ""


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("RATELIMIT", "lots"),
        ("RATELIMIT", "10 per fortnight"),
        ("RATELIMIT_STORAGE_URL", "http://127.0.0.1:6379"),
        ("RATELIMIT_ENABLED", "maybe"),
    ],
)
def test_malformed_rate_limit_settings_are_refused(name, value):
    with pytest.raises(ConfigurationError, match=f"TENANT_CONFIG_{name}"):
        Settings.from_env(BASE_ENV | {f"TENANT_CONFIG_{name}": value})
