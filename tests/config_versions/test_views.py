"""The history of an integration's configs: one row per change, filtered, sorted, kept."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.platform.database import db
from tests.support.urls import configs_url as url
from tests.support.urls import history

# A name the shipped connector does not define, so that any value goes ("maybe" below).
CHANGE = {"group": "messageLogConfigs", "name": "messageLogSwitch", "value": "false"}


def test_every_change_appends_one_history_row(client, headers, integration, new_config):
    config = new_config(name="messageLogSwitch", value="true")
    client.put(url(integration, config), json=CHANGE | {"version": 0}, headers=headers)
    client.put(
        url(integration, config),
        json=CHANGE | {"version": 1, "value": "maybe"},
        headers=headers,
    )
    client.delete(url(integration, config), headers=headers | {"X-Request-ID": "del-1"})
    rows = history(client, headers, integration, config)
    assert [(r["operation"], r["version"], r["value"]) for r in rows] == [
        ("CREATE", 0, "true"),
        ("UPDATE", 1, "false"),
        ("UPDATE", 2, "maybe"),
        ("DELETE", 3, "maybe"),
    ]
    assert len({r["id"] for r in rows}) == 4
    assert all(r["id"] != config["id"] for r in rows)
    assert rows[-1]["updatedBy"] == "user1@companyxyz.com"
    assert rows[0]["createdAt"] == rows[-1]["createdAt"] == config["createdAt"]
    assert rows[0]["integration"] == integration["id"]
    assert rows[0]["tenant"] == integration["tenant"]


def test_versions_list_filters_and_sorts(client, headers, integration, new_config):
    a = new_config(name="a", group="g1")
    new_config(name="b", group="g2")
    base = url(integration)
    client.put(
        url(integration, a), json={"group": "g1", "name": "a", "version": 0}, headers=headers
    )
    rows = client.get(f"{base}/versions?name=a&pageSort=version,DESC", headers=headers).get_json()
    assert [(r["name"], r["version"]) for r in rows["content"]] == [("a", 1), ("a", 0)]
    groups = client.get(f"{base}/versions?group=g2", headers=headers).get_json()
    assert [r["name"] for r in groups["content"]] == ["b"]
    bad = client.get(f"{base}/versions?pageSort=nope", headers=headers)
    assert bad.status_code == 400


def test_cascade_keeps_history_with_delete_rows(app, client, headers, integration, new_config):
    config = new_config()
    client.delete(f"/tenantintegrations/{integration['id']}?cascade=true", headers=headers)
    with app.app_context():
        rows = db.session.scalars(
            select(ConfigVersion)
            .where(ConfigVersion.tenant_config_id == uuid.UUID(config["id"]))
            .order_by(ConfigVersion.version)
        ).all()
        assert [(r.operation, r.version) for r in rows] == [("CREATE", 0), ("DELETE", 1)]
