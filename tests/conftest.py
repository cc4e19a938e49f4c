"""Shared fixtures: a migrated database per backend, apps on it, real signed tokens, servers.

Helpers that are not fixtures live in tests/support/ and are imported the ordinary way.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

from tenant_config.app import create_app
from tenant_config.platform.database import db
from tenant_config.platform.settings import Settings
from tests.support.bodies import config_body, integration_body
from tests.support.in_process import served
from tests.support.needs import unavailable
from tests.support.races import PG_ROUNDS, SQLITE_ROUNDS, Api
from tests.support.servers import Gunicorn, PrivatePostgres, server_env
from tests.support.settings import (
    BACKENDS,
    POSTGRES_URL,
    make_settings,
    reset_postgres,
    session_fernet_key,
)
from tests.support.tokens import ALL_SCOPES, SENSITIVE_SCOPES, TokenFactory, generate_key


def pytest_report_header() -> str:
    return f"databases: {', '.join(BACKENDS)}"


def pytest_terminal_summary(terminalreporter) -> None:
    if not POSTGRES_URL:
        terminalreporter.write_line(
            "PostgreSQL was not tested: set TENANT_CONFIG_TEST_POSTGRES_URL (.ci/run does).",
            yellow=True,
            bold=True,
        )


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
        db.engine.dispose()


@pytest.fixture
def make_app(app, database_url, jwks_file, tmp_path) -> Callable[..., Flask]:
    """Build another app on the same migrated database, with some settings overridden."""

    def build(**overrides) -> Flask:
        url = overrides.pop("database_url", database_url)
        keys = overrides.pop("jwks_file", jwks_file)
        return create_app(make_settings(tmp_path, url, keys, **overrides))

    return build


def _use_schema(app: Flask, schema: str) -> None:
    def set_search_path(dbapi_connection, _record) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute(f'SET search_path TO "{schema}"')
        dbapi_connection.autocommit = autocommit

    with app.app_context():
        event.listen(db.engine, "connect", set_search_path)


@pytest.fixture
def fresh_app(app, database_url, jwks_file, tmp_path) -> Iterator[Callable[..., Flask]]:
    """Build apps on an empty migrated database of this test's own (rotation touches all rows)."""
    schema = None
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        url, schema = database_url, f"fresh_{uuid.uuid4().hex[:12]}"
        admin = create_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    apps: list[Flask] = []

    def build(**overrides) -> Flask:
        built = create_app(make_settings(tmp_path, url, jwks_file, **overrides))
        if schema:
            _use_schema(built, schema)
        if not apps:
            with built.app_context():
                upgrade()
        apps.append(built)
        return built

    yield build
    for built in apps:
        with built.app_context():
            db.engine.dispose()
    if schema:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


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
def sensitive_headers(make_token, tenant) -> dict[str, str]:
    """A token that may also read sensitive values in plain text."""
    return {"Authorization": f"Bearer {make_token(scopes=SENSITIVE_SCOPES, tenants=[tenant])}"}


@pytest.fixture
def new_integration(client, headers, tenant) -> Callable[..., dict]:
    """Create an integration for this test's tenant and return its JSON."""

    def create(**overrides) -> dict:
        body = integration_body(tenant, name="partner1-vertexProductAbc") | overrides
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
        body = (
            config_body(description="This parameter is used to control message logging feature")
            | overrides
        )
        url = f"/tenantintegrations/{integration['id']}/configs"
        response = client.post(url, json=body, headers=headers)
        assert response.status_code == 201, response.get_json()
        return response.get_json()

    return create


@pytest.fixture
def rounds(database_url) -> int:
    """How many rounds a race test runs: many on PostgreSQL, where races need them to show."""
    return PG_ROUNDS if database_url.startswith("postgresql") else SQLITE_ROUNDS


@pytest.fixture
def race_server(app) -> Iterator[str]:
    """Serve the app over real HTTP on a free loopback port."""
    with served(app) as url:
        yield url


@pytest.fixture
def api(race_server, headers, tenant) -> Api:
    """This test's tenant calling the served app, with `race()` to release calls together."""
    return Api(race_server, headers, tenant)


@pytest.fixture(scope="session")
def private_cluster(jwks_file, tmp_path_factory):
    """A migrated PostgreSQL of the tests' own, which they may stop and start."""
    if reason := PrivatePostgres.missing():
        unavailable(reason)
    server = PrivatePostgres()
    try:
        server.init()
        env = server_env(server.url, jwks_file, tmp_path_factory.mktemp("pg"))
        app = create_app(Settings.from_env(env))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def private_pg(private_cluster):
    """The private PostgreSQL, running: one test that stopped it and failed takes no other down."""
    private_cluster.ensure_running()
    return private_cluster


@pytest.fixture
def serve(private_pg, jwks_file, tmp_path):
    """Start gunicorn on the private database with TENANT_CONFIG_* `settings`."""
    servers: list[Gunicorn] = []

    def start(env: dict[str, str] | None = None, **settings) -> Gunicorn:
        env = server_env(private_pg.url, jwks_file, tmp_path, **settings) | (env or {})
        server = Gunicorn(env, tmp_path)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop(quick=True)
