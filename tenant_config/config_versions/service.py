"""Reading the version history of an integration's configs."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.encryption.masking import shown_to
from tenant_config.platform.pagination import Page, paginate
from tenant_config.platform.tenancy import Principal

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
    """Return one page of the history of an integration's configs, as the caller may see it."""
    integration = get_integration(principal=principal, integration_id=integration_id)
    query = select(ConfigVersion).where(ConfigVersion.integration_id == integration.id)
    for name in ("group", "name"):
        if args.get(name) is not None:
            query = query.where(getattr(ConfigVersion, name) == args[name])
    page = paginate(query, args=args, columns=SORT_COLUMNS, tiebreak=ConfigVersion.id)
    return page.map(lambda row: shown_to(principal, row))
