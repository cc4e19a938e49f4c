"""Fixtures for server tests: a private PostgreSQL, gunicorn on it, an HTTP client with a token."""

from __future__ import annotations

import time
import uuid

import pytest
import requests
from flask_migrate import upgrade

from tenant_config.app import create_app
from tenant_config.platform.database import db
from tenant_config.platform.settings import Settings
from tests.servers import Gunicorn, PrivatePostgres, server_env

TIMEOUT = (2, 30)
needs_postgres = pytest.mark.skipif(
    not PrivatePostgres.available(), reason="needs root and PostgreSQL 15"
)


@pytest.fixture(scope="session")
def private_pg(jwks_file, tmp_path_factory):
    """A migrated PostgreSQL of the tests' own, which they may stop and start."""
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


class Client:
    """HTTP calls to one server with one tenant's token."""

    def __init__(self, server: Gunicorn, make_token):
        self.server = server
        self.tenant = str(uuid.uuid4())
        self.partner = str(uuid.uuid4())
        self.headers = {"Authorization": f"Bearer {make_token(tenants=[self.tenant])}"}

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = self.headers | kwargs.pop("headers", {})
        return requests.request(
            method, self.server.url(path), headers=headers, timeout=TIMEOUT, **kwargs
        )

    def integration(self) -> dict:
        body = {
            "name": "ops",
            "client": str(uuid.uuid4()),
            "tenant": self.tenant,
            "partnerTenant": self.partner,
            "connector": "BIGCOMMERCE_OSERIES",
        }
        response = self.call("POST", "/tenantintegrations", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def config(self, integration: dict, name: str = "p1", value: str = "v0") -> dict:
        url = f"/tenantintegrations/{integration['id']}/configs"
        response = self.call("POST", url, json={"group": "g", "name": name, "value": value})
        assert response.status_code == 201, response.text
        return response.json()


def config_url(config: dict) -> str:
    return f"/tenantintegrations/{config['integration']}/configs/{config['id']}"


def assert_unavailable(response: requests.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"]
    assert response.json()["status"] == 503


def timed(call, *args, **kwargs) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started
