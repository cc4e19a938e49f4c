"""Request and answer shapes of configs."""

from __future__ import annotations

from datetime import datetime

from marshmallow import Schema, ValidationError, fields, validate, validates

from tenant_config.platform.clock import utcnow
from tenant_config.platform.encryption.masking import MASK
from tenant_config.platform.pagination import PageArgsSchema, page_schema
from tenant_config.platform.schemas import (
    Boolean,
    ChangeReason,
    ResourceSchema,
    Text,
    Timestamp,
    UUIDText,
    WritableResourceSchema,
)
from tenant_config.platform.sizes import DESCRIPTION_MAX_LENGTH, VALUE_MAX_LENGTH

EXAMPLE = {
    "group": "messageLogConfigs",
    "name": "messageLogEnabled",
    "label": "Enable Message Logging",
    "description": "This parameter is used to control message logging feature",
    "value": "true",
    "sensitive": False,
}

ANSWER_EXAMPLE = {
    "id": "9fe70c57-4815-4247-8ec8-0d886277e93a",
    "version": 2,
    "createdAt": "2022-10-28T18:39:21.000000Z",
    "updatedAt": "2022-10-29T18:39:21.000000Z",
    "createdBy": "user1@companyXyz.com",
    "updatedBy": "user2@companyXyz.com",
    "client": "cd671e55-9575-4a25-8b1b-2e85b5867059",
    "clientName": "Company xyz",
    "tenant": "1a855cf0-d29b-4fb2-a238-abd2c0d03856",
    "tenantName": "Company xyz (North America)",
    "partnerTenant": "4d6696e4-f2cb-4eb3-8d8b-15fdd19bf4ee",
    "partnerTenantName": "Partner 1 (North America)",
    "integration": "8db08c8e-4474-45c9-9fba-d89e05a549ce",
    "integrationName": "partner1-vertexProductAbc",
    "connector": "BIGCOMMERCE_OSERIES",
} | EXAMPLE


# The integration's fields: answers carry them, so a client may send them back unchanged.
ECHOED = {
    "readOnly": True,
    "description": "The integration's value, as answers carry it; a request may repeat it "
    "unchanged, any other value is 422 (a config never moves between integrations).",
}


class ConfigSchema(ResourceSchema):
    client = fields.String(metadata={"format": "uuid"})
    clientName = fields.String(attribute="client_name", allow_none=True)
    tenant = fields.String(metadata={"format": "uuid"})
    tenantName = fields.String(attribute="tenant_name", allow_none=True)
    partnerTenant = fields.String(attribute="partner_tenant")
    partnerTenantName = fields.String(attribute="partner_tenant_name", allow_none=True)
    integration = fields.UUID(attribute="integration_id")
    integrationName = fields.String(attribute="integration_name")
    group = fields.String(metadata={"example": "reportingConfigs"})
    name = fields.String(metadata={"example": "defaultSellerTaxCode"})
    label = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    value = fields.String(
        dump_only=True,
        allow_none=True,
        metadata={"type": "string", "description": f"`{MASK}` when sensitive, unless revealed."},
    )
    sensitive = fields.Boolean()
    connector = fields.String(metadata={"example": "BIGCOMMERCE_OSERIES"})


class ConfigWriteSchema(WritableResourceSchema):
    """A config as a client sends it. Integration fields may be sent; they must match."""

    client = UUIDText(metadata=ECHOED)
    clientName = Text(attribute="client_name", allow_none=True, metadata=ECHOED)
    tenant = UUIDText(metadata=ECHOED)
    tenantName = Text(attribute="tenant_name", allow_none=True, metadata=ECHOED)
    partnerTenant = Text(attribute="partner_tenant", metadata=ECHOED)
    partnerTenantName = Text(attribute="partner_tenant_name", allow_none=True, metadata=ECHOED)
    integration = fields.UUID(attribute="integration_id", metadata=ECHOED)
    integrationName = Text(attribute="integration_name", metadata=ECHOED)
    connector = Text(metadata=ECHOED)
    group = Text(
        min_length=1,
        allow_none=True,
        metadata={
            "description": "Left out (or null), the group of the connector's definition of "
            "`name`; required when the connector defines no parameter of that name."
        },
    )
    name = Text(required=True, min_length=1)
    label = Text(
        allow_none=True,
        load_default=None,
        metadata={"description": "Left out (or null), the label of the definition of `name`."},
    )
    description = Text(
        max_length=DESCRIPTION_MAX_LENGTH,
        allow_none=True,
        load_default=None,
        metadata={"description": "Left out (or null), the definition's description."},
    )
    value = Text(
        max_length=VALUE_MAX_LENGTH,
        allow_none=True,
        load_default=None,
        metadata={
            "description": f"On a sensitive config, `{MASK}` keeps the stored secret (a create "
            "must send the value). Turning `sensitive` off needs the new plain value. A name "
            "the connector defines takes values of its type and constraints only (422)."
        },
    )
    sensitive = Boolean(
        load_default=False,
        metadata={"description": "Always true for a parameter defined as `type: secret`."},
    )
    reason = ChangeReason()


class RestoreSchema(Schema):
    """What to restore, and the precondition of a live config (instead of If-Match)."""

    version = fields.Integer(
        required=True,
        strict=True,
        validate=validate.Range(min=0),
        metadata={"description": "The version whose content becomes the latest.", "example": 1},
    )
    expectedVersion = fields.Integer(
        attribute="expected_version",
        strict=True,
        allow_none=True,
        load_default=None,
        metadata={"description": "The version the config is at now (instead of If-Match)."},
    )
    reason = ChangeReason()


class ConfigFilterArgsSchema(PageArgsSchema):
    SORTABLE = (
        *("id", "version", "createdAt", "updatedAt", "createdBy", "updatedBy"),
        *("group", "name", "label", "description", "value", "sensitive"),
    )

    group = Text()
    name = Text()


class ConfigListArgsSchema(ConfigFilterArgsSchema):
    asOf = fields.AwareDateTime(
        metadata={
            "description": "An RFC 3339 instant with its offset: the configs as they stood then, "
            "from the history (not in the future).",
            "example": "2026-11-30T12:00:00Z",
        }
    )

    @validates("asOf")
    def validate_as_of(self, value: datetime, **_kwargs) -> None:
        if value > utcnow():
            raise ValidationError("Must not be in the future: the history ends now.")


class LookupArgsSchema(ConfigListArgsSchema):
    wait = fields.Integer(
        validate=validate.Range(min=1, max=60),
        metadata={
            "description": "With If-None-Match: wait up to this many seconds for a change "
            "(200 with the new ETag as soon as one lands), else 304.",
            "example": 30,
        },
    )


ConfigPageSchema = page_schema(
    ConfigSchema,
    "ConfigPage",
    asOf=Timestamp(),  # the instant asked for, when `asOf` was sent
)


class ConfigPatchSchema(ConfigWriteSchema):
    """An RFC 7396 merge patch of a config: only the fields sent change; `null` removes one."""

    group = Text(min_length=1, allow_none=True)
    name = Text(min_length=1)
    label = Text(allow_none=True)
    description = Text(max_length=DESCRIPTION_MAX_LENGTH, allow_none=True)
    value = Text(
        max_length=VALUE_MAX_LENGTH,
        allow_none=True,
        metadata={"description": "Left out, a stored value (a secret too) stays as it is."},
    )
    sensitive = Boolean()


class ValidationMissingSchema(Schema):
    group = fields.String()
    name = fields.String()
    label = fields.String(allow_none=True)


class ValidationConfigSchema(Schema):
    config = fields.UUID()
    group = fields.String()
    name = fields.String()


class ValidationProblemSchema(ValidationConfigSchema):
    problems = fields.List(fields.String(), metadata={"description": "Why; never the value."})


class ValidationReportSchema(Schema):
    integration = fields.UUID()
    connector = fields.String()
    strict = fields.Boolean(
        metadata={"description": "Whether the connector takes defined names only."}
    )
    valid = fields.Boolean(metadata={"description": "Nothing missing, invalid or undefined."})
    missing = fields.List(
        fields.Nested(ValidationMissingSchema),
        metadata={"description": "Required parameters with no config and no default."},
    )
    invalid = fields.List(
        fields.Nested(ValidationProblemSchema),
        metadata={"description": "Stored configs their (changed) definition refuses now."},
    )
    undefined = fields.List(
        fields.Nested(ValidationConfigSchema),
        metadata={"description": "Strict connectors only: configs of no defined parameter."},
    )
