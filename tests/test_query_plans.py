"""Every list and the lookup read the big tables through an index, on both databases.

The SQL is the service's own: each request's statements are captured and explained, on a
database seeded large enough (and analyzed) that a planner prefers an index when one fits.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
from sqlalchemy import insert, text

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.configs.models import Config
from tenant_config.integrations.models import Integration
from tenant_config.platform.changes import change_counters, change_key, connector_key
from tenant_config.platform.counters import EXTENSION as COUNTERS
from tenant_config.platform.database import db
from tests.support.routes import sql_statements
from tests.support.tokens import ALL_SCOPES

BIG_TABLES = ("tenant_integrations", "tenant_configs", "tenant_config_versions", "change_counters")
INTEGRATIONS, CONFIGS_EACH = 400, 25
COUNTED_PARTNER_TENANTS = 5000  # a change counter per partner tenant ever written


def _seed(app) -> list[dict]:
    """Integrations of many tenants, with configs and their history rows; return them."""
    now = datetime.now(UTC)
    stamp = {"version": 0, "created_at": now, "updated_at": now}
    stamp |= {"created_by": "seed", "updated_by": "seed"}
    integrations, configs, versions = [], [], []
    for number in range(INTEGRATIONS):
        integration = stamp | {
            "id": uuid.uuid4(),
            "name": f"integration-{number}",
            "client": str(uuid.uuid4()),
            "tenant": str(uuid.uuid4()),
            "partner_tenant": f"pt-{number}",
            "connector": "BIGCOMMERCE_OSERIES",
        }
        integrations.append(integration)
        for index in range(CONFIGS_EACH):
            config = stamp | {
                "id": uuid.uuid4(),
                "integration_id": integration["id"],
                "group": f"group{index % 5}",
                "name": f"param{index}",
                "value": "v",
                "sensitive": False,
            }
            configs.append(config)
            versions.append(
                {k: v for k, v in config.items() if k not in ("id", "integration_id")}
                | {"id": uuid.uuid4(), "tenant_config_id": config["id"], "operation": "CREATE"}
                | {"integration_id": integration["id"], "integration_name": integration["name"]}
                | {k: integration[k] for k in ("client", "tenant", "partner_tenant", "connector")}
            )
    with app.app_context():
        db.session.execute(insert(Integration), integrations)
        db.session.execute(insert(Config), configs)
        db.session.execute(insert(ConfigVersion), versions)
        counted = [
            {"change_key": change_key("BIGCOMMERCE_OSERIES", f"pt-{number}"), "counter": 1}
            for number in range(COUNTED_PARTNER_TENANTS)
        ]
        db.session.execute(insert(change_counters), counted)
        db.session.commit()
        analyze = "ANALYZE" if db.engine.dialect.name == "postgresql" else "ANALYZE main"
        db.session.execute(text(analyze))
        db.session.commit()
    return integrations


def _full_scans(app, statement: str, parameters) -> list[str]:
    """The plan's lines that read a big table whole."""
    with app.app_context(), db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            rows = connection.exec_driver_sql(f"EXPLAIN {statement}", parameters).all()
            lines = [row[0] for row in rows]
            return [line for line in lines if "Seq Scan on" in line and _big(line)]
        rows = connection.exec_driver_sql(f"EXPLAIN QUERY PLAN {statement}", parameters).all()
        lines = [row[-1] for row in rows]
        return [
            line
            for line in lines
            if line.startswith("SCAN ") and "INDEX" not in line and _big(line)
        ]


def _big(line: str) -> bool:
    return any(f" {table}" in line for table in BIG_TABLES)


@pytest.mark.slow
def test_the_lookup_and_every_list_read_through_an_index(fresh_app, make_token, database_url):
    app = fresh_app()
    integrations = _seed(app)
    mine = integrations[INTEGRATIONS // 2]
    token = make_token(scopes=ALL_SCOPES, tenants=[mine["tenant"]])
    headers = {"Authorization": f"Bearer {token}"}
    ti, pt = mine["id"], mine["partner_tenant"]
    lookup = f"/connectors/BIGCOMMERCE_OSERIES/partnertenants/{pt}/configs"
    urls = [
        lookup,
        f"{lookup}?group=group1",
        f"{lookup}?effective=true&format=map",
        "/tenantintegrations",
        f"/tenantintegrations?partnerTenant={pt}",
        f"/tenantintegrations/{ti}/configs",
        f"/tenantintegrations/{ti}/configs?name=param3",
        f"/tenantintegrations/{ti}/configs/versions",
        f"/tenantintegrations/{ti}/configs/validation",
    ]
    client = app.test_client()
    scans = {}
    for url in urls:
        with sql_statements(app) as statements:
            response = client.get(url, headers=headers)
        assert response.status_code == 200, (url, response.get_json())
        assert statements, url
        for statement, parameters in statements:
            is_read = statement.lstrip().upper().startswith("SELECT")
            if is_read and (found := _full_scans(app, statement, parameters)):
                scans[url] = (statement, found)
    # The counters every lookup reads first, on connections of their own (no engine events).
    reader = app.extensions[COUNTERS]
    keys = [change_key("BIGCOMMERCE_OSERIES", pt), connector_key("BIGCOMMERCE_OSERIES")]
    postgres = database_url.startswith("postgresql")
    keys_parameter = (keys,) if postgres else (json.dumps(keys),)
    if found := _full_scans(app, reader.statement, keys_parameter):
        scans["change counters"] = (reader.statement, found)
    assert not scans, scans
