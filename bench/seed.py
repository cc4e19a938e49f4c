"""Integrations of 20 configs each (3 sensitive, encrypted as the service encrypts them)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg
from sqlalchemy import create_engine, func, select

from tenant_config.configs.models import Config
from tenant_config.integrations.models import Integration
from tenant_config.platform.encryption.keyring import Keyring, Sealed, Secret

CONNECTOR = "ARIBA2_OSERIES"  # a shipped connector, not strict: free-form names pass
CONFIGS = 20
SENSITIVE = 3
GROUPS = ("connection", "mapping", "tax", "logging")
SEEDER = "bench@tenant-config"
INTEGRATIONS = Integration.__table__
CONFIG_TABLE = Config.__table__


@dataclass(frozen=True)
class Target:
    """A config and its integration, as the cases address them."""

    integration_id: uuid.UUID
    partner_tenant: str
    tenant: str
    config_id: uuid.UUID
    group: str
    name: str
    value: str
    version: int


def _integration(index: int, now: datetime) -> dict:
    return {
        "id": uuid.uuid4(),
        "version": 0,
        "created_at": now,
        "updated_at": now,
        "created_by": SEEDER,
        "updated_by": SEEDER,
        "name": f"partner{index}-vertexProductAbc",
        "client": f"client-{index % 97}",
        "client_name": f"Client {index % 97}",
        "tenant": f"tenant-{index:07d}",
        "tenant_name": f"Tenant {index}",
        "partner_tenant": f"pt-{index:07d}",
        "partner_tenant_name": f"Partner tenant {index}",
        "connector": CONNECTOR,
    }


def _configs(integration: dict, index: int, keyring: Keyring | None) -> Iterator[dict]:
    for k in range(CONFIGS):
        config_id = uuid.uuid4()
        sensitive = k >= CONFIGS - SENSITIVE
        plain = f"value-{index}-{k}-" + "x" * (k * 3)
        secret = keyring.seal(Secret(owner=config_id, plaintext=plain)) if sensitive else None
        yield {
            "id": config_id,
            "version": 0,
            "created_at": integration["created_at"],
            "updated_at": integration["updated_at"],
            "created_by": SEEDER,
            "updated_by": SEEDER,
            "integration_id": integration["id"],
            "group_name": GROUPS[k % len(GROUPS)],
            "name": f"param{k:02d}",
            "label": f"Parameter {k}",
            "description": None,
            "sensitive": sensitive,
            "value": None if sensitive else plain,
            "secret": secret,
        }


def seed(database_url: str, keyring: Keyring, start: int, stop: int, chunk: int = 5000) -> None:
    """Add integrations number `start` to `stop` (exclusive), each with its 20 configs."""
    for first in range(start, stop, chunk):
        _seed(database_url, keyring, first, min(stop, first + chunk))
    if database_url.startswith("postgresql"):
        with psycopg.connect(_dsn(database_url), autocommit=True) as connection:
            connection.execute("VACUUM ANALYZE tenant_integrations")
            connection.execute("VACUUM ANALYZE tenant_configs")
            # The seeding's dirty pages written out now, not during the next measurement.
            connection.execute("CHECKPOINT")


def _dsn(database_url: str) -> str:
    return database_url.replace("postgresql+psycopg://", "postgresql://")


def _seed(database_url: str, keyring: Keyring, start: int, stop: int) -> None:
    now = datetime.now(UTC)
    integrations = [_integration(index, now) for index in range(start, stop)]
    configs = [
        row
        for index, integration in zip(range(start, stop), integrations, strict=True)
        for row in _configs(integration, index, keyring)
    ]
    if database_url.startswith("postgresql"):
        _copy(database_url, integrations, configs)
    else:
        engine = create_engine(database_url)
        with engine.begin() as connection:
            connection.execute(INTEGRATIONS.insert(), integrations)
            connection.execute(CONFIG_TABLE.insert(), configs)
        engine.dispose()


def _copy(database_url: str, integrations: list[dict], configs: list[dict]) -> None:
    """COPY the rows in (the ciphertexts as the column stores them: `<key id>:<token>`)."""
    with psycopg.connect(_dsn(database_url)) as connection:
        for table, rows in ((INTEGRATIONS.name, integrations), (CONFIG_TABLE.name, configs)):
            columns = list(rows[0])
            names = ", ".join(f'"{name}"' for name in columns)
            with connection.cursor().copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([_plain(row[name]) for name in columns])


def _plain(value):
    return str(value) if isinstance(value, Sealed) else value


def targets(database_url: str, count: int) -> list[Target]:
    """Pick `count` integrations at random: their plain (not sensitive) configs."""
    engine = create_engine(database_url)
    i, c = INTEGRATIONS.c, CONFIG_TABLE.c
    picked = (
        select(i.id).where(i.connector == CONNECTOR).order_by(func.random()).limit(count).subquery()
    )
    query = (
        select(i.id, i.partner_tenant, i.tenant, c.id, c.group_name, c.name, c.value, c.version)
        .join(CONFIG_TABLE, c.integration_id == i.id)
        .where(i.id.in_(select(picked.c.id)), c.sensitive.is_(False))
    )
    with engine.connect() as connection:
        rows = connection.execute(query).all()
    engine.dispose()
    return [Target(*row) for row in rows]


def count(database_url: str, table: str) -> int:
    """How many rows `table` holds."""
    engine = create_engine(database_url)
    with engine.connect() as connection:
        found = connection.exec_driver_sql(f"SELECT count(*) FROM {table}").scalar_one()  # noqa: S608
    engine.dispose()
    return found
