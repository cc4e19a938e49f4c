"""Reading one config's history as a caller may see it (restore and the history routes use it).

History outlives the config and its integration: each row carries the integration's tenant
keys, so the rows themselves decide who reads them.
"""

from __future__ import annotations

import uuid

from sqlalchemy import Select, func, select

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.platform.database import db
from tenant_config.platform.errors import NotFound
from tenant_config.platform.tenancy import Principal, visible_to

SORT_COLUMNS = {
    "id": ConfigVersion.id,
    "version": ConfigVersion.version,
    "createdAt": ConfigVersion.created_at,
    "updatedAt": ConfigVersion.updated_at,
    "createdBy": ConfigVersion.created_by,
    "updatedBy": ConfigVersion.updated_by,
    "group": ConfigVersion.group,
    "name": ConfigVersion.name,
    "label": ConfigVersion.label,
    "description": ConfigVersion.description,
    "value": ConfigVersion.value,
    "sensitive": ConfigVersion.sensitive,
    "tenantConfig": ConfigVersion.tenant_config_id,
    "operation": ConfigVersion.operation,
}

# A version beyond any stored one (and beyond PostgreSQL's integer) is simply unknown.
MAX_VERSION = 2**31 - 1


def config_history(
    *, principal: Principal, integration_id: uuid.UUID, config_id: uuid.UUID
) -> Select:
    """Select the history rows of one config of an integration that the caller may see."""
    return select(ConfigVersion).where(
        ConfigVersion.integration_id == integration_id,
        ConfigVersion.tenant_config_id == config_id,
        visible_to(principal, ConfigVersion),
    )


def get_version(
    *, principal: Principal, integration_id: uuid.UUID, config_id: uuid.UUID, version: int
) -> ConfigVersion:
    """Return one history row of a config, or raise NotFound."""
    history = config_history(
        principal=principal, integration_id=integration_id, config_id=config_id
    )
    row = None
    if 0 <= version <= MAX_VERSION:
        row = db.session.scalar(history.where(ConfigVersion.version == version))
    if row is None:
        raise NotFound(f"The config has no version {version}.")
    return row


def latest_version(*, principal: Principal, integration_id: uuid.UUID, config_id: uuid.UUID) -> int:
    """Return the config's last history version (its DELETE row's, once deleted), or NotFound."""
    history = config_history(
        principal=principal, integration_id=integration_id, config_id=config_id
    )
    latest = db.session.scalar(history.with_only_columns(func.max(ConfigVersion.version)))
    if latest is None:
        raise NotFound("The config does not exist.")
    return latest
