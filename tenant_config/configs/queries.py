"""Reading configs as one caller may see them (the connector lookup uses these too)."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select

from tenant_config.configs.models import Config
from tenant_config.integrations.models import Integration
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.database import db
from tenant_config.platform.errors import NotFound
from tenant_config.platform.tenancy import Principal, visible_to

SORT_COLUMNS = {
    "id": Config.id,
    "version": Config.version,
    "createdAt": Config.created_at,
    "updatedAt": Config.updated_at,
    "createdBy": Config.created_by,
    "updatedBy": Config.updated_by,
    "group": Config.group,
    "name": Config.name,
    "label": Config.label,
    "description": Config.description,
    "value": Config.value,
    "sensitive": Config.sensitive,
}


def get_config(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    config_id: uuid.UUID,
    for_write: bool = False,
) -> Config:
    """Return a config of an integration the caller may see, or raise NotFound.

    `for_write` locks the integration (shared) and then the config, as every writer does.
    """
    query = (
        select(Config)
        .join(Config.integration)
        .where(Config.id == config_id, Config.integration_id == integration_id)
        .where(visible_to(principal, Integration))
    )
    if for_write:
        get_integration(principal=principal, integration_id=integration_id, lock="share")
        query = query.with_for_update(of=Config)
    config = db.session.scalar(query)
    if config is None:
        raise NotFound("The config does not exist.")
    return config


def filtered(query: Select, args: Mapping[str, Any]) -> Select:
    """Apply the `group` and `name` filters of a config list."""
    for name in ("group", "name"):
        if args.get(name) is not None:
            query = query.where(getattr(Config, name) == args[name])
    return query
