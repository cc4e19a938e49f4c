"""Request and answer shapes of config versions and diffs."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from tenant_config.config_versions.models import OPERATIONS
from tenant_config.config_versions.queries import MAX_VERSION
from tenant_config.configs.schemas import ConfigFilterArgsSchema, ConfigSchema
from tenant_config.platform.pagination import PageArgsSchema, page_schema
from tenant_config.platform.schemas import Timestamp


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


class ConfigVersionListArgsSchema(ConfigFilterArgsSchema):
    SORTABLE = (*ConfigFilterArgsSchema.SORTABLE, "tenantConfig", "operation")


class OneConfigVersionListArgsSchema(PageArgsSchema):
    """Paging of one config's history: newest first unless `pageSort` says otherwise."""

    SORTABLE = ConfigVersionListArgsSchema.SORTABLE

    pageSort = fields.List(
        fields.String(validate=validate.Length(max=100)),
        load_default=lambda: ["version,DESC"],
        metadata={"description": "`field,ASC|DESC`, repeatable; default `version,DESC`."},
    )


def _version(description: str, **kwargs) -> fields.Integer:
    return fields.Integer(
        validate=validate.Range(min=0, max=MAX_VERSION),
        metadata={"description": description, "example": 0},
        **kwargs,
    )


class DiffArgsSchema(Schema):
    from_version = _version("The version to compare from.", data_key="from", required=True)
    to_version = _version(
        "The version to compare to; the latest by default. It may be older than `from`.",
        data_key="to",
        load_default=None,
    )


class ChangeSchema(Schema):
    field = fields.String(metadata={"example": "value"})
    from_ = fields.Raw(data_key="from", attribute="from", metadata={"example": "false"})
    to = fields.Raw(metadata={"example": "true"})
    changed = fields.Boolean(
        metadata={
            "description": "Present on `value` when either side is sensitive: then `from` and "
            "`to` are left out unless the caller may read sensitive values."
        }
    )


class ChangeStampSchema(Schema):
    """Who made a version, how and why."""

    version = fields.Integer()
    operation = fields.String(metadata={"enum": list(OPERATIONS)})
    updatedAt = Timestamp(attribute="updated_at")
    updatedBy = fields.String(attribute="updated_by")
    reason = fields.String(allow_none=True)
    restoredFrom = fields.Integer(attribute="restored_from", allow_none=True)


class DiffSchema(Schema):
    config = fields.UUID()
    from_ = fields.Integer(data_key="from", attribute="from")
    to = fields.Integer()
    fromChange = fields.Nested(ChangeStampSchema)
    toChange = fields.Nested(ChangeStampSchema)
    changes = fields.List(fields.Nested(ChangeSchema))


ConfigVersionPageSchema = page_schema(ConfigVersionSchema, "ConfigVersionPage")
