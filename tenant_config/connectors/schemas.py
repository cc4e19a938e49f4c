"""Request and answer shapes of connectors, and of a connector's definition file."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from tenant_config.parameters.schemas import ParameterWriteSchema
from tenant_config.platform.pagination import PageArgsSchema, page_schema
from tenant_config.platform.schemas import Boolean, ResourceSchema, Text, WritableResourceSchema
from tenant_config.platform.sizes import DESCRIPTION_MAX_LENGTH

CODE_PATTERN = r"^[A-Z][A-Z0-9_]{0,63}$"
Code = Text(
    required=True,
    validate=validate.Regexp(CODE_PATTERN, error="Upper-case letters, digits and _, at most 64."),
    metadata={"example": "BIGCOMMERCE_OSERIES"},
)

EXAMPLE = {
    "displayName": "BigCommerce for Vertex O Series",
    "description": "Calculates tax on BigCommerce checkouts with Vertex O Series.",
    "strict": False,
}


class ConnectorSchema(ResourceSchema):
    code = fields.String(metadata={"example": "BIGCOMMERCE_OSERIES"})
    displayName = fields.String(attribute="display_name")
    description = fields.String(allow_none=True)
    strict = fields.Boolean(
        metadata={"description": "A config's name needs a parameter definition when true."}
    )


class ConnectorWriteSchema(WritableResourceSchema):
    """A connector as an administrator sends it (its code is the path's)."""

    code = Text(metadata={"readOnly": True, "description": "The path's, if sent."})
    displayName = Text(attribute="display_name", required=True, min_length=1)
    description = Text(max_length=DESCRIPTION_MAX_LENGTH, allow_none=True, load_default=None)
    strict = Boolean(load_default=False)


class ConnectorFileSchema(Schema):
    """A definition file: the connector and its parameters (the API's field names)."""

    code = Code
    displayName = Text(attribute="display_name", required=True, min_length=1)
    description = Text(max_length=DESCRIPTION_MAX_LENGTH, allow_none=True, load_default=None)
    strict = Boolean(load_default=False)
    parameters = fields.List(fields.Nested(ParameterWriteSchema), load_default=list)

    @validates_schema(skip_on_field_errors=True)
    def _names_unique(self, data: dict, **_kwargs) -> None:
        names = [parameter["name"] for parameter in data["parameters"]]
        if twice := sorted({name for name in names if names.count(name) > 1}):
            raise ValidationError({"parameters": [f"Defined twice: {', '.join(twice)}."]})


class ConnectorListArgsSchema(PageArgsSchema):
    SORTABLE = ("id", "version", "createdAt", "updatedAt", "code", "displayName", "strict")


ConnectorPageSchema = page_schema(ConnectorSchema, "ConnectorPage")
