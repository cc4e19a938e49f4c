"""Fixtures for operations tests: a private PostgreSQL, gunicorn on it, rate-limited apps."""

from __future__ import annotations

import uuid

import pytest
from flask_migrate import upgrade

from tenant_config.app import create_app
from tenant_config.platform.database import db
from tenant_config.platform.settings import Settings
from tests.support.needs import unavailable
from tests.support.servers import Gunicorn, PrivatePostgres, server_env


@pytest.fixture(scope="session")
def private_pg(jwks_file, tmp_path_factory):
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
        server.stop()


@pytest.fixture
def limited_app(make_app):
    """An app allowing 3 requests per minute per caller, in its own key space."""

    def build(**overrides):
        settings = {
            "ratelimit_enabled": True,
            "ratelimit": "3/minute",
            "ratelimit_key_prefix": f"tc-test-{uuid.uuid4().hex}",
        }
        return make_app(**settings | overrides)

    return build
