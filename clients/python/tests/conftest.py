"""Fixtures of the client's tests: the real service under gunicorn on each database, tokens."""

# The service's test helpers (tests/support) start gunicorn and sign tokens; the client under
# test only ever talks HTTP to them.

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from partners import CONNECTOR, FAST, Partner
from sqlalchemy import create_engine, make_url, text
from token_endpoint import TokenEndpoint

from tenant_config.app import create_app
from tenant_config.platform import scopes
from tenant_config.platform.database import db
from tenant_config_client import ClientCredentials, LastKnownGood, TenantConfigClient
from tests.support.servers import Gunicorn, server_env
from tests.support.settings import BACKENDS, POSTGRES_URL, make_settings
from tests.support.tokens import TokenFactory, generate_key

# Connections left open (keep-alive, change waits) would hold a stopping gunicorn for seconds.
QUICK_STOP = {"graceful_timeout": "1", "keepalive": "1"}


@pytest.fixture(scope="session")
def make_token() -> TokenFactory:
    return TokenFactory(generate_key("client-tests"))


@pytest.fixture(scope="session")
def jwks_file(tmp_path_factory, make_token) -> Path:
    path = tmp_path_factory.mktemp("client-jwks") / "jwks.json"
    path.write_text(json.dumps({"keys": [make_token.key.public_jwk]}))
    return path


@pytest.fixture(scope="session", params=BACKENDS)
def service_database(request, tmp_path_factory, jwks_file) -> Iterator[str]:
    """A migrated database of the client's tests: a SQLite file, or a PostgreSQL database."""
    admin = None
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path_factory.mktemp('client-sqlite') / 'tenant_config.db'}"
    else:
        # A database of its own: the service's suite empties its database when it starts.
        url_object = make_url(POSTGRES_URL)
        name = f"{url_object.database}_client"
        url = url_object.set(database=name).render_as_string(hide_password=False)
        admin = create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    app = create_app(make_settings(tmp_path_factory.mktemp("client-instance"), url, jwks_file))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    yield url
    if admin is not None:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def service(service_database, jwks_file, tmp_path_factory) -> Iterator[Gunicorn]:
    """The service under gunicorn (2 gevent workers), without rate limits."""
    instance = tmp_path_factory.mktemp("client-service")
    env = server_env(service_database, jwks_file, instance, ratelimit_enabled="false", **QUICK_STOP)
    with Gunicorn(env, instance) as server:
        yield server


@pytest.fixture
def start_service(service_database, jwks_file, tmp_path) -> Iterator[Callable[..., Gunicorn]]:
    """Start another gunicorn on the same database, with TENANT_CONFIG_* `settings` (and `env`)."""
    servers: list[Gunicorn] = []

    def start(env: dict[str, str] | None = None, **settings) -> Gunicorn:
        settings = QUICK_STOP | settings
        server = Gunicorn(
            server_env(service_database, jwks_file, tmp_path, **settings) | (env or {}), tmp_path
        )
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop(quick=True)


@pytest.fixture
def partner(service, make_token) -> Partner:
    return Partner(service, make_token)


@pytest.fixture
def token_endpoint(make_token, partner) -> Iterator[TokenEndpoint]:
    """An OAuth2 token endpoint issuing the connector's tokens for `partner` (secrets revealed)."""
    claims = {
        "scopes": (scopes.CONFIG_READ, scopes.CONFIG_READ_SENSITIVE),
        "partner_tenants": [f"{CONNECTOR}:{partner.id}"],
    }
    with TokenEndpoint(make_token, claims) as endpoint:
        yield endpoint


@pytest.fixture
def cache_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def connect(
    service, start_service, token_endpoint, tmp_path, cache_key
) -> Iterator[Callable[..., TenantConfigClient]]:
    """Make a connector's client of `server` (the service unless named), with a last-known-good.

    The clients close before the servers of `start_service` stop (fixtures end in reverse).
    """
    clients: list[TenantConfigClient] = []

    def make(server: Gunicorn | str | None = None, *, key: str | None = None, **options):
        tokens = ClientCredentials(
            token_endpoint.url, token_endpoint.client_id, token_endpoint.client_secret, leeway=1
        )
        options.setdefault("backoff", FAST)
        options.setdefault("last_known_good", LastKnownGood(tmp_path / "lkg", key or cache_key))
        server = server or service
        url = server if isinstance(server, str) else server.url("")
        client = TenantConfigClient(url, tokens, **options)
        clients.append(client)
        return client

    yield make
    for client in clients:
        client.close()
