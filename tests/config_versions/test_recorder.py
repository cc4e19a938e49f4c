"""The change pipeline: a change and its history row commit together or not at all."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tenant_config.config_versions.models import UPDATE, ConfigVersion
from tenant_config.platform.database import db
from tests.support.urls import configs_url as url
from tests.support.urls import history


def _occupy_history_slot(app, config: dict, version: int) -> None:
    """Insert the history row that the next change would append, so appending it fails."""
    with app.app_context():
        row = db.session.scalars(
            select(ConfigVersion).where(ConfigVersion.tenant_config_id == uuid.UUID(config["id"]))
        ).one()
        clone = ConfigVersion(
            **{
                column.key: getattr(row, column.key)
                for column in ConfigVersion.__mapper__.column_attrs
                if column.key != "id"
            }
        )
        clone.version, clone.operation = version, UPDATE
        db.session.add(clone)
        db.session.commit()


def test_a_change_whose_history_row_fails_is_not_stored(
    app, client, headers, integration, new_config
):
    config = new_config(value="before")
    _occupy_history_slot(app, config, version=1)

    body = {"group": config["group"], "name": config["name"], "value": "after", "version": 0}
    response = client.put(url(integration, config), json=body, headers=headers)

    assert response.status_code >= 400, response.get_json()
    stored = client.get(url(integration, config), headers=headers).get_json()
    assert (stored["version"], stored["value"]) == (0, "before")


def test_a_deletion_whose_history_row_fails_keeps_the_config(
    app, client, headers, integration, new_config
):
    config = new_config(value="kept")
    _occupy_history_slot(app, config, version=1)

    response = client.delete(url(integration, config), headers=headers)

    assert response.status_code >= 400
    assert client.get(url(integration, config), headers=headers).status_code == 200
    assert [row["operation"] for row in history(client, headers, integration, config)] == [
        "CREATE",
        "UPDATE",
    ]
