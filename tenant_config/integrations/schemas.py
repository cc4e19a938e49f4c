"""Request and answer shapes of /tenantintegrations."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields

from tenant_config.platform.pagination import PageArgsSchema, page_schema
from tenant_config.platform.schemas import (
    Boolean,
    ResourceSchema,
    Text,
    UUIDText,
    WritableResourceSchema,
)

EXAMPLE = {
    "name": "partnerProduct123-vertexProductAbc",
    "client": "cd671e55-9575-4a25-8b1b-2e85b5867059",
    "clientName": "Company xyz",
    "tenant": "1a855cf0-d29b-4fb2-a238-abd2c0d03856",
    "tenantName": "Company xyz (North America)",
    "partnerTenant": "4d6696e4-f2cb-4eb3-8d8b-15fdd19bf4ee",
    "partnerTenantName": "Partner product 123 for Company xyz (North America)",
    "connector": "BIGCOMMERCE_OSERIES",
}


FIXED = {"description": "Fixed once created: a PUT repeats it unchanged (any other value is 422)."}
# The connector lookup takes it as one URL path segment: `/` would split it, and clients
# resolve `.` and `..` segments before sending.
PARTNER_TENANT_PATTERN = r"^(?!\.\.?$)[^/\u0000]+$"


def validate_partner_tenant(value: str) -> None:
    """Refuse a partner tenant that the lookup's URL could not carry."""
    if "/" in value or value in (".", ".."):
        raise ValidationError("Must not contain '/' nor be '.' or '..' (it is a URL segment).")


class IntegrationSchema(ResourceSchema):
    name = fields.String()
    client = fields.String(metadata={"format": "uuid"})
    clientName = fields.String(attribute="client_name", allow_none=True)
    tenant = fields.String(metadata={"format": "uuid"})
    tenantName = fields.String(attribute="tenant_name", allow_none=True)
    partnerTenant = fields.String(attribute="partner_tenant")
    partnerTenantName = fields.String(attribute="partner_tenant_name", allow_none=True)
    connector = fields.String(metadata={"example": "BIGCOMMERCE_OSERIES"})


class IntegrationWriteSchema(WritableResourceSchema):
    """An integration as a client sends it; tenant, client, partnerTenant, connector are fixed."""

    name = Text(required=True, min_length=1)
    client = UUIDText(required=True, metadata=FIXED)
    clientName = Text(attribute="client_name", allow_none=True)
    tenant = UUIDText(required=True, metadata=FIXED)
    tenantName = Text(attribute="tenant_name", allow_none=True)
    partnerTenant = Text(
        attribute="partner_tenant",
        required=True,
        min_length=1,
        validate=validate_partner_tenant,
        metadata={
            "pattern": PARTNER_TENANT_PATTERN,
            "description": "One segment of the lookup's URL: no `/`, not `.` or `..`. "
            + FIXED["description"],
        },
    )
    partnerTenantName = Text(attribute="partner_tenant_name", allow_none=True)
    connector = Text(
        required=True,
        metadata={
            "description": "A connector code of the catalog (GET /connectors). "
            + FIXED["description"],
            "example": "BIGCOMMERCE_OSERIES",
        },
    )


class IntegrationListArgsSchema(PageArgsSchema):
    SORTABLE = (
        *("id", "version", "createdAt", "updatedAt", "createdBy", "updatedBy", "name"),
        *("client", "clientName", "tenant", "tenantName", "partnerTenant", "partnerTenantName"),
        "connector",
    )

    connector = Text()
    tenant = UUIDText()
    client = UUIDText()
    partnerTenant = Text(attribute="partner_tenant")
    name = Text()


class IntegrationDeleteArgsSchema(Schema):
    cascade = Boolean(
        load_default=False,
        metadata={"description": "Also delete the integration's configs (history is kept)."},
    )


IntegrationPageSchema = page_schema(IntegrationSchema, "IntegrationPage")
