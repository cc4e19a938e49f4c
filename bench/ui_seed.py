"""A development-like database for the admin UI benchmark, written through the API itself."""

from __future__ import annotations

import contextlib
import io
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime

import psycopg
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy.engine import make_url

from tenant_config.app import create_app
from tenant_config.operations.devkeys import ensure_dev_keys, issue_dev_token
from tenant_config.platform.clock import utcnow
from tenant_config.platform.database import db
from tenant_config.platform.scopes import (
    ADMIN,
    CONFIG_READ,
    CONFIG_READ_SENSITIVE,
    CONFIG_WRITE,
    INTEGRATION_READ,
    INTEGRATION_WRITE,
)
from tenant_config.platform.settings import Settings

NAMESPACE = uuid.UUID("6f1d3c55-0d8e-4a51-9b5e-2a7c1e0b9d42")
TENANTS = [str(uuid.uuid5(NAMESPACE, f"tenant-{k}")) for k in range(4)]
CLIENTS = [str(uuid.uuid5(NAMESPACE, f"client-{k}")) for k in range(3)]
CONNECTORS = ("ARIBA2_OSERIES", "BIGCOMMERCE_OSERIES", "SAPTAX_OSERIES")
PARTNERS = ("acme", "globex", "initech", "umbrella", "hooli", "stark", "wayne", "tyrell")
INTEGRATIONS = 500
GROUPS = 10
CONFIGS = 300
SENSITIVE_EVERY = 15  # one config in fifteen is a secret
VERSIONS = 200
INSTANCES = 50
# ARIBA2_OSERIES's definitions, as its YAML names them: these configs follow a definition.
DEFINED = {
    "messageLogEnabled": ("messageLogConfigs", "true"),
    "defaultSellerTaxCode": ("reportingConfigs", "S1"),
    "taxVarianceTolerance": ("accountingConfigs", "2.5"),
    "notificationEmail": ("accountingConfigs", "tax@example.com"),
    "oseriesUrl": ("credentials", "https://oseries.example.com/vertex-ws"),
    "aribaRealm": ("credentials", "acme-realm"),
    "aribaSharedSecret": ("credentials", "s3cr3t-shared"),
}


@dataclass(frozen=True)
class Seeded:
    """What the benchmark's actions address."""

    main: str  # the integration with CONFIGS configs
    peer: str  # the one it is compared with
    edited: str  # a config the edits change
    long_history: str  # the config with VERSIONS versions
    secret: str  # a sensitive config, revealed
    copied: dict[str, str]  # the configs copied to the peer (changed before each copy), by name
    midway: datetime  # an instant while the history was written


def development_settings(environ: dict[str, str]) -> Settings:
    """Read the development settings the served app gets, and make its development keys."""
    settings = Settings.from_env(environ)
    ensure_dev_keys(settings)
    return Settings.from_env(environ)  # again: the keys now exist, so the dev login is on


def seed(settings: Settings) -> Seeded:
    """Migrate the database and fill it through the API, as a developer's clicks would."""
    app = create_app(replace(settings, ratelimit_enabled=False))
    with app.app_context(), contextlib.redirect_stderr(io.StringIO()):
        upgrade()  # alembic's INFO lines are not the benchmark's output
    token = issue_dev_token(
        settings,
        subject="seeder@example.com",
        scopes=[
            ADMIN,
            INTEGRATION_READ,
            INTEGRATION_WRITE,
            CONFIG_READ,
            CONFIG_WRITE,
            CONFIG_READ_SENSITIVE,
        ],
        tenants=TENANTS,
        clients=[],
        partner_tenants=[],
        ttl_seconds=3600,
    )
    api = Api(app.test_client(), {"Authorization": f"Bearer {token}"})
    ids = [api.integration(index) for index in range(INTEGRATIONS)]
    main, peer = ids[0], ids[1]
    names = api.configs(main, differ=False)
    api.configs(peer, differ=True)
    edited, secret = names["param-g1-001"], names["aribaSharedSecret"]
    long_history = names["param-g2-002"]
    midway = api.history(main, long_history)
    api.instances(main)
    with app.app_context():
        db.engine.dispose()
    if settings.database_url.startswith("postgresql"):
        analyze(settings.database_url)
    copied = {name: names[name] for name in (f"param-g3-{k:03d}" for k in range(3, 53, 10))}
    return Seeded(main, peer, edited, long_history, secret, copied, midway)


@contextlib.contextmanager
def postgres_database(server_url: str) -> Iterator[str]:
    """Create a fresh database on the server `server_url` names; drop it afterwards."""
    url = make_url(server_url)
    name = f"bench_ui_{datetime.now(UTC):%Y%m%d%H%M%S}"
    admin = url.set(drivername="postgresql", database="postgres").render_as_string(False)
    with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(False)
    finally:
        with psycopg.connect(admin, autocommit=True, connect_timeout=5) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def analyze(database_url: str) -> None:
    """Give the planner the statistics autovacuum would have gathered by the time anyone clicks.

    Straight after a bulk load it has none, and plans the point-in-time query as a nested loop
    over every history row of the integration (76 ms instead of 0.6 ms here).
    """
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("VACUUM ANALYZE")
        connection.execute("CHECKPOINT")  # the seeding's dirty pages written now, not mid-run


class Api:
    """The API through the app's test client, with an admin development token."""

    def __init__(self, client: FlaskClient, headers: dict[str, str]):
        self.client = client
        self.headers = headers

    def call(self, method: str, path: str, body=None) -> dict:
        answer = self.client.open(path, method=method, json=body, headers=self.headers)
        if answer.status_code >= 300:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.get_data()[:500]}")
        return answer.get_json()

    def integration(self, index: int) -> str:
        partner = PARTNERS[index % len(PARTNERS)]
        body = {
            "name": f"{partner}-{CONNECTORS[index % 3].split('_')[0].lower()}-{index:03d}",
            "client": CLIENTS[index % len(CLIENTS)],
            "clientName": f"Client {index % len(CLIENTS)}",
            "tenant": TENANTS[index % len(TENANTS)],
            "tenantName": f"Tenant {index % len(TENANTS)}",
            "partnerTenant": f"pt-{partner}-{index:04d}",
            "partnerTenantName": f"{partner.title()} {index}",
            "connector": CONNECTORS[0] if index < 2 else CONNECTORS[index % 3],
        }
        return self.call("POST", "/tenantintegrations", body)["id"]

    def configs(self, integration_id: str, *, differ: bool) -> dict[str, str]:
        """Add CONFIGS configs in GROUPS groups (the peer: some missing, some different)."""
        bodies = [
            {"group": group, "name": name, "value": value, "sensitive": name == "aribaSharedSecret"}
            for name, (group, value) in DEFINED.items()
        ]
        for k in range(CONFIGS - len(DEFINED)):
            group = k % GROUPS
            value = f"value {k} " + "x" * (k % 40)
            if differ and k % 7 == 0:
                value += " (peer)"
            bodies.append(
                {
                    "group": f"group{group:02d}",
                    "name": f"param-g{group}-{k:03d}",
                    "label": f"Parameter {k}",
                    "value": value,
                    "sensitive": k % SENSITIVE_EVERY == 0,
                }
            )
        if differ:
            bodies = [body for k, body in enumerate(bodies) if k % 11 != 5]
        operations = [{"op": "create", "body": body} for body in bodies]
        path = f"/tenantintegrations/{integration_id}/configs/batch"
        self.call("POST", path, {"operations": operations, "reason": "seeded"})
        listed = self.call(
            "GET", f"/tenantintegrations/{integration_id}/configs?pageSize=100&pageNumber=0"
        )
        found = {row["name"]: row["id"] for row in listed["content"]}
        for number in range(1, listed["page"]["totalPages"]):
            path = f"/tenantintegrations/{integration_id}/configs?pageSize=100&pageNumber={number}"
            found |= {row["name"]: row["id"] for row in self.call("GET", path)["content"]}
        return found

    def history(self, integration_id: str, config_id: str) -> datetime:
        """Change a config VERSIONS times; return an instant halfway through."""
        path = f"/tenantintegrations/{integration_id}/configs/{config_id}"
        config, midway = self.call("GET", path), utcnow()
        for version in range(VERSIONS):
            if version == VERSIONS // 2:
                midway = utcnow()
            body = {key: config[key] for key in ("group", "name", "label", "sensitive")}
            body |= {"value": f"value {version}", "version": version, "reason": f"change {version}"}
            config = self.call("PUT", path, body)
        return midway

    def instances(self, integration_id: str) -> None:
        """Have INSTANCES connector instances report the lookup answer they applied."""
        integration = self.call("GET", f"/tenantintegrations/{integration_id}")
        lookup = f"/connectors/{integration['connector']}/partnertenants/"
        lookup += integration["partnerTenant"]
        answer = self.client.get(
            f"{lookup}/configs?effective=true&format=map", headers=self.headers
        )
        etag = answer.headers["ETag"]
        for k in range(INSTANCES):
            status = "rejected" if k % 9 == 4 else "applied"
            body = {"etag": etag, "status": status}
            if status == "rejected":
                body["reason"] = "oseriesUrl: not reachable"
            self.call("PUT", f"{lookup}/instances/worker-{k:02d}", body)
