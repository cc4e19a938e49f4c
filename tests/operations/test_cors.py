"""Browser callers: CORS for listed origins, nosniff everywhere, private caching of configs."""

from __future__ import annotations

import uuid

import pytest
from cryptography.fernet import Fernet
from flask import url_for

from tenant_config.platform.settings import ConfigurationError, Settings

ADMIN_UI = "https://admin.example.com"
BASE_ENV = {
    "TENANT_CONFIG_JWKS_FILE": "/nonexistent/jwks.json",
    "TENANT_CONFIG_JWT_ISSUER": "https://idp.test",
    "TENANT_CONFIG_JWT_AUDIENCE": "tenant-config",
    "TENANT_CONFIG_FERNET_KEYS": Fernet.generate_key().decode(),
}
REQUEST_HEADERS = "authorization, if-match, if-none-match, content-type"


@pytest.fixture
def cors_client(make_app):
    return make_app(cors_origins=(ADMIN_UI,)).test_client()


def api_paths(app) -> list[tuple[str, set[str]]]:
    """Every API route with ids filled in, and the methods it serves."""
    ids = {"integration_id": uuid.uuid4(), "config_id": uuid.uuid4()}
    ids |= {"connector": "BIGCOMMERCE_OSERIES", "partner_tenant": "pt-1", "version": 0}
    ids |= {"instance": "worker-1"}
    paths = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in {
            "integrations",
            "configs",
            "config_batches",
            "config_versions",
            "connectors",
            "instances",
        }:
            with app.test_request_context():
                url = url_for(rule.endpoint, **{n: ids[n] for n in rule.arguments})
            paths.append((url, set(rule.methods) - {"HEAD", "OPTIONS"}))
    return paths


def preflight(client, path: str, method: str, origin: str = ADMIN_UI):
    return client.options(
        path,
        headers={
            "Origin": origin,
            "Access-Control-Request-Method": method,
            "Access-Control-Request-Headers": REQUEST_HEADERS,
        },
    )


def test_preflight_from_the_admin_ui_works_for_every_route(cors_client):
    paths = api_paths(cors_client.application)
    assert len(paths) == 18
    paths.append(("/openapi.json", {"GET"}))
    for path, methods in paths:
        for method in methods:
            response = preflight(cors_client, path, method)
            assert response.status_code == 200, (path, method)
            assert response.headers["Access-Control-Allow-Origin"] == ADMIN_UI
            assert method in response.headers["Access-Control-Allow-Methods"]
            allowed = response.headers["Access-Control-Allow-Headers"].lower()
            assert {h.strip() for h in REQUEST_HEADERS.split(",")} <= set(allowed.split(", "))
            assert "Origin" in response.headers["Vary"]
            assert response.headers["Access-Control-Max-Age"] == "600"
            assert "Access-Control-Allow-Credentials" not in response.headers
            assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_preflight_from_an_unlisted_origin_is_not_allowed(cors_client):
    for origin in ("https://evil.example", "https://admin.example.com.evil.example", "null"):
        response = preflight(cors_client, "/tenantintegrations", "POST", origin=origin)
        assert "Access-Control-Allow-Origin" not in response.headers, origin


def test_no_origin_is_allowed_by_default(client):
    response = preflight(client, "/tenantintegrations", "GET")
    assert "Access-Control-Allow-Origin" not in response.headers
    response = client.get("/tenantintegrations", headers={"Origin": ADMIN_UI})
    assert "Access-Control-Allow-Origin" not in response.headers


def test_answers_to_the_admin_ui_expose_etag_location_and_request_id(
    cors_client, headers, integration
):
    url = f"/tenantintegrations/{integration['id']}/configs"
    body = {"group": "g", "name": "n", "value": "v"}
    response = cors_client.post(url, json=body, headers=headers | {"Origin": ADMIN_UI})

    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == ADMIN_UI
    exposed = {h.strip() for h in response.headers["Access-Control-Expose-Headers"].split(",")}
    assert {"ETag", "Location", "X-Request-ID", "Retry-After"} <= exposed
    problem = cors_client.get("/tenantintegrations", headers={"Origin": ADMIN_UI})
    assert problem.status_code == 401
    assert problem.headers["Access-Control-Allow-Origin"] == ADMIN_UI


def test_every_answer_says_nosniff(client, headers, integration, new_config):
    config = new_config()
    item = f"/tenantintegrations/{integration['id']}/configs/{config['id']}"
    etag = client.get(item, headers=headers).headers["ETag"]
    answers = [
        client.get(item, headers=headers),
        client.get(item, headers=headers | {"If-None-Match": etag}),
        client.get("/tenantintegrations"),
        client.get("/nowhere"),
        client.patch("/tenantintegrations", headers=headers),
        client.post("/tenantintegrations", data="x", headers=headers),
        client.post("/tenantintegrations", data="x" * 70_000, headers=headers),
        client.get("/openapi.json"),
        client.options("/tenantintegrations"),
    ]
    assert [a.status_code for a in answers] == [200, 304, 401, 404, 405, 415, 413, 200, 200]
    for answer in answers:
        assert answer.headers["X-Content-Type-Options"] == "nosniff"
        if answer.status_code >= 400:
            assert answer.mimetype == "application/problem+json"
            assert answer.get_json()["status"] == answer.status_code
    assert set(answers[4].headers["Allow"].split(", ")) == {"GET", "HEAD", "OPTIONS", "POST"}


def test_config_answers_are_private(client, headers, integration, new_config):
    config = new_config()
    base = f"/tenantintegrations/{integration['id']}/configs"
    lookup = f"/connectors/{integration['connector']}/partnertenants/{integration['partnerTenant']}"
    for url in (f"{base}/{config['id']}", base, f"{base}/versions", f"{lookup}/configs"):
        response = client.get(url, headers=headers)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "private", url
    missing = client.get(f"{base}/{uuid.uuid4()}", headers=headers)
    assert missing.headers["Cache-Control"] == "private"


def test_a_revealed_answer_stays_no_store(client, headers, sensitive_headers, new_config):
    config = new_config(value="hunter2", sensitive=True)
    url = f"/tenantintegrations/{config['integration']}/configs/{config['id']}"
    revealed = client.get(url, headers=sensitive_headers)
    masked = client.get(url, headers=headers)
    assert (revealed.get_json()["value"], revealed.headers["Cache-Control"]) == (
        "hunter2",
        "no-store",
    )
    assert (masked.get_json()["value"], masked.headers["Cache-Control"]) == ("********", "private")


def test_settings_read_comma_separated_origins():
    settings = Settings.from_env(
        BASE_ENV
        | {"TENANT_CONFIG_CORS_ORIGINS": f"{ADMIN_UI}, http://localhost:5173 ,http://[::1]:8000"}
    )
    assert settings.cors_origins == (ADMIN_UI, "http://localhost:5173", "http://[::1]:8000")
    assert Settings.from_env(BASE_ENV).cors_origins == ()


@pytest.mark.parametrize(
    "origin", ["*", "https://*.example.com", "https://admin.example.com/", "admin.example.com"]
)
def test_wildcards_paths_and_bare_hosts_are_refused(origin):
    with pytest.raises(ConfigurationError, match="TENANT_CONFIG_CORS_ORIGINS"):
        Settings.from_env(BASE_ENV | {"TENANT_CONFIG_CORS_ORIGINS": origin})
