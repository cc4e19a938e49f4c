"""Reading the version history of an integration's configs."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.database import db
from tenant_config.platform.encryption.masking import shown_to
from tenant_config.platform.pagination import Page, paginate
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


def list_versions(
    *, principal: Principal, integration_id: uuid.UUID, args: Mapping[str, Any]
) -> Page:
    """Return one page of the history of an integration's configs, as the caller may see it.

    History outlives the integration: each row carries the integration's tenant keys, so the
    rows decide who reads them, by the same rule as the integration did.
    """
    query = select(ConfigVersion).where(
        ConfigVersion.integration_id == integration_id, visible_to(principal, ConfigVersion)
    )
    if db.session.scalar(query.with_only_columns(ConfigVersion.id).limit(1)) is None:
        # No history yet: the integration must exist and be the caller's (else 404).
        get_integration(principal=principal, integration_id=integration_id)
    for name in ("group", "name"):
        if args.get(name) is not None:
            query = query.where(getattr(ConfigVersion, name) == args[name])
    page = paginate(query, args=args, columns=SORT_COLUMNS, tiebreak=ConfigVersion.id)
    return page.map(lambda row: shown_to(principal, row))
