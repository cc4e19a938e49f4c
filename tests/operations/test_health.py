"""GET /health/live and /health/ready, in process, on each backend."""

from __future__ import annotations

import pytest
from flask import Flask
from sqlalchemy import create_engine

from tenant_config.app import create_app
from tests.support.settings import make_settings

UNREACHABLE = "postgresql+psycopg://tc:CANARY-DSN-PASSWORD@127.0.0.1:1/tc"


@pytest.fixture
def other_app(app, database_url, jwks_file, tmp_path):
    """Build an app whose database or key file may differ from the shared one."""

    def build(**overrides) -> Flask:
        url = overrides.pop("database_url", database_url)
        keys = overrides.pop("jwks_file", jwks_file)
        return create_app(make_settings(tmp_path, url, keys, **overrides))

    return build


def test_live_answers_without_a_token(client):
    response = client.get("/health/live")
    assert response.status_code == 200
    assert response.get_json() == {"status": "live"}


def test_ready_checks_database_migrations_and_keys(client):
    response = client.get("/health/ready")
    assert response.status_code == 200, response.get_json()
    assert response.get_json() == {
        "status": "ready",
        "checks": {"database": "ok", "migrations": "ok", "jwks": "ok"},
    }


def test_unreachable_database_is_not_ready_but_live(other_app):
    client = other_app(database_url=UNREACHABLE, db_connect_timeout=1).test_client()
    assert client.get("/health/live").status_code == 200
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    assert response.headers["Retry-After"] == "5"
    problem = response.get_json()
    assert problem["status"] == 503
    assert problem["checks"] == {"database": "unavailable", "migrations": "unknown", "jwks": "ok"}
    assert "CANARY" not in response.get_data(as_text=True)


def test_database_without_migrations_is_not_ready(other_app, tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.db'}"
    create_engine(url).connect().close()
    response = other_app(database_url=url).test_client().get("/health/ready")
    assert response.status_code == 503
    assert response.get_json()["checks"]["migrations"] == "not at head"
    assert response.get_json()["checks"]["database"] == "ok"


def test_missing_signing_keys_make_it_not_ready(other_app, tmp_path):
    client = other_app(jwks_file=str(tmp_path / "missing.json")).test_client()
    response = client.get("/health/ready")
    assert response.status_code == 503
    assert response.get_json()["checks"]["jwks"] == "unavailable"


@pytest.mark.parametrize("path", ["/health/live", "/health/ready", "/metrics"])
def test_probes_and_metrics_are_in_the_openapi(client, path):
    operation = client.get("/openapi.json").get_json()["paths"][path]["get"]
    assert "200" in operation["responses"]
    if path.startswith("/health"):
        assert operation["security"] == []
    if path == "/health/ready":
        assert "503" in operation["responses"]
