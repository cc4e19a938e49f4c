"""Shared fixtures: a migrated database per backend, an app on it, and real signed tokens."""

from __future__ import annotations

import functools
import json
import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, text

from tenant_config.app import create_app
from tenant_config.platform.settings import Settings
from tests.ops_fixtures import private_pg, serve  # noqa: F401 (server tests' fixtures)
from tests.tokens import ALL_SCOPES, AUDIENCE, ISSUER, TokenFactory, generate_key

pytest_plugins = ["tests.secrets_fixtures", "tests.support.races"]
POSTGRES_URL = os.environ.get("TENANT_CONFIG_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def reset_postgres(url: str) -> None:
    """Empty the PostgreSQL test database so migrations start from nothing."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@functools.cache
def session_fernet_key() -> str:
    """The Fernet key of this test session's apps: generated per run, never committed."""
    return Fernet.generate_key().decode()


def make_settings(tmp: Path, database_url: str, jwks_file: Path, **overrides) -> Settings:
    """Production-mode settings for a test app (no development defaults)."""
    values = {
        "env": "production",
        "instance_path": tmp,
        "database_url": database_url,
        "jwks_file": str(jwks_file),
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        "db_connect_timeout": 2,
        "fernet_keys": (session_fernet_key(),),
        # Every test token is the same caller: limits are tested on apps of their own.
        "ratelimit_enabled": False,
    } | overrides
    settings = Settings(**values)
    settings.validate()
    return settings


@pytest.fixture(scope="session")
def fernet_key() -> str:
    return session_fernet_key()


@pytest.fixture(scope="session")
def signing_key():
    return generate_key("test-key-1")


@pytest.fixture(scope="session")
def jwks_file(tmp_path_factory, signing_key) -> Path:
    path = tmp_path_factory.mktemp("jwks") / "jwks.json"
    path.write_text(json.dumps({"keys": [signing_key.public_jwk]}))
    return path


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(request, tmp_path_factory) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path_factory.mktemp('sqlite') / 'tenant_config.db'}"
    reset_postgres(POSTGRES_URL)
    return POSTGRES_URL


@pytest.fixture(scope="session")
def app(database_url, jwks_file, tmp_path_factory) -> Iterator[Flask]:
    """One migrated app per backend; tests isolate themselves by using their own tenants."""
    settings = make_settings(tmp_path_factory.mktemp("instance"), database_url, jwks_file)
    app = create_app(settings)
    with app.app_context():
        upgrade()
    yield app
    with app.app_context():
        from tenant_config.platform.database import db

        db.engine.dispose()


@pytest.fixture
def make_app(app, database_url, jwks_file, tmp_path) -> Callable[..., Flask]:
    """Build another app on the same migrated database, with some settings overridden."""

    def build(**overrides) -> Flask:
        url = overrides.pop("database_url", database_url)
        keys = overrides.pop("jwks_file", jwks_file)
        return create_app(make_settings(tmp_path, url, keys, **overrides))

    return build


@pytest.fixture
def client(app) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def make_token(signing_key) -> TokenFactory:
    return TokenFactory(signing_key)


@pytest.fixture
def tenant() -> str:
    """A tenant id of this test's own: no other test sees its rows."""
    return str(uuid.uuid4())


@pytest.fixture
def token(make_token, tenant) -> str:
    """A token with every non-admin scope for this test's tenant."""
    return make_token(scopes=ALL_SCOPES, tenants=[tenant])


@pytest.fixture
def headers(token) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def new_integration(client, headers, tenant) -> Callable[..., dict]:
    """Create an integration for this test's tenant and return its JSON."""

    def create(**overrides) -> dict:
        body = {
            "name": "partner1-vertexProductAbc",
            "client": str(uuid.uuid4()),
            "clientName": "Company xyz",
            "tenant": tenant,
            "tenantName": "Company xyz (North America)",
            "partnerTenant": str(uuid.uuid4()),
            "partnerTenantName": "Partner 1 (North America)",
            "connector": "BIGCOMMERCE_OSERIES",
        } | overrides
        response = client.post("/tenantintegrations", json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def integration(new_integration) -> dict:
    return new_integration()


@pytest.fixture
def new_config(client, headers, integration) -> Callable[..., dict]:
    """Create a config in this test's integration and return its JSON."""

    def create(**overrides) -> dict:
        body = {
            "group": "messageLogConfigs",
            "name": f"param{uuid.uuid4().hex[:8]}",
            "label": "Enable Message Logging",
            "description": "This parameter is used to control message logging feature",
            "value": "true",
        } | overrides
        url = f"/tenantintegrations/{integration['id']}/configs"
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create
