"""Answer shapes of config versions."""

from __future__ import annotations

from marshmallow import fields

from tenant_config.config_versions.models import OPERATIONS
from tenant_config.configs.schemas import ConfigListArgsSchema, ConfigSchema
from tenant_config.platform.pagination import page_schema


class ConfigVersionSchema(ConfigSchema):
    tenantConfig = fields.UUID(attribute="tenant_config_id")
    operation = fields.String(metadata={"enum": list(OPERATIONS)})
    reason = fields.String(
        allow_none=True, metadata={"description": "The change reason the write gave, if any."}
    )
    restoredFrom = fields.Integer(
        attribute="restored_from",
        allow_none=True,
        metadata={"description": "The version a RESTORE copied; null for other operations."},
    )


class ConfigVersionListArgsSchema(ConfigListArgsSchema):
    SORTABLE = (*ConfigListArgsSchema.SORTABLE, "tenantConfig", "operation")


ConfigVersionPageSchema = page_schema(ConfigVersionSchema, "ConfigVersionPage")
