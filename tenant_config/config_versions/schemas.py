"""Answer shapes of config versions."""

from __future__ import annotations

from marshmallow import fields

from tenant_config.config_versions.models import OPERATIONS
from tenant_config.configs.schemas import ConfigListArgsSchema, ConfigSchema
from tenant_config.platform.pagination import page_schema


class ConfigVersionSchema(ConfigSchema):
    tenantConfig = fields.UUID(attribute="tenant_config_id")
    operation = fields.String(metadata={"enum": list(OPERATIONS)})


class ConfigVersionListArgsSchema(ConfigListArgsSchema):
    SORTABLE = (*ConfigListArgsSchema.SORTABLE, "tenantConfig", "operation")


ConfigVersionPageSchema = page_schema(ConfigVersionSchema, "ConfigVersionPage")
