"""Request and answer shapes of parameter definitions."""

from __future__ import annotations

import json
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from tenant_config.parameters import rules
from tenant_config.parameters.models import TYPES
from tenant_config.platform.pagination import PageArgsSchema, page_schema
from tenant_config.platform.schemas import (
    Boolean,
    ChangeReason,
    ResourceSchema,
    Text,
    WritableResourceSchema,
)
from tenant_config.platform.sizes import (
    DESCRIPTION_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    VALUE_MAX_LENGTH,
)

EXAMPLE = {
    "group": "messageLogConfigs",
    "name": "messageLogEnabled",
    "label": "Enable Message Logging",
    "description": "Log every message the connector exchanges, for troubleshooting.",
    "type": "boolean",
    "required": False,
    "default": "false",
}


class DefaultValue(fields.Field):
    """A default as stored (a string); a JSON boolean, number, object or list is written out."""

    def _deserialize(self, value: Any, attr, data, **kwargs) -> str:
        if isinstance(value, str):
            return Text(max_length=VALUE_MAX_LENGTH).deserialize(value)  # no NUL, valid UTF-8
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, int | float | dict | list):
            return json.dumps(value, separators=(",", ":"))
        raise ValidationError("Must be a string, boolean, number, object or array.")

    def _serialize(self, value: Any, attr, obj, **kwargs) -> Any:
        return value


class Bound(fields.Float):
    """A minimum or maximum; whole numbers answer without a fraction."""

    def _serialize(self, value: Any, attr, obj, **kwargs) -> Any:
        if value is None:
            return None
        return int(value) if float(value).is_integer() else float(value)


class ParameterSchema(ResourceSchema):
    connector = fields.String(metadata={"example": "BIGCOMMERCE_OSERIES"})
    group = fields.String()
    name = fields.String()
    label = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    type = fields.String(metadata={"enum": list(TYPES)})
    required = fields.Boolean()
    default = fields.String(allow_none=True, metadata={"description": "As stored: a string."})
    allowedValues = fields.List(fields.String(), attribute="allowed_values", allow_none=True)
    pattern = fields.String(allow_none=True)
    minimum = Bound(allow_none=True)
    maximum = Bound(allow_none=True)
    maxLength = fields.Integer(attribute="max_length", allow_none=True)
    jsonSchema = fields.Method(
        "_json_schema",
        metadata={
            "type": "object",
            "description": "The JSON Schema a value (read as its type) satisfies.",
        },
    )

    def _json_schema(self, parameter) -> dict:
        return rules.json_schema(parameter.definition())


class ParameterWriteSchema(WritableResourceSchema):
    """A parameter definition as an administrator or a definition file sends it."""

    connector = Text(metadata={"readOnly": True, "description": "The path's, if sent."})
    group = Text(required=True, min_length=1)
    name = Text(required=True, min_length=1)
    label = Text(allow_none=True, load_default=None)
    description = Text(max_length=DESCRIPTION_MAX_LENGTH, allow_none=True, load_default=None)
    type = fields.String(required=True, validate=validate.OneOf(TYPES))
    required = Boolean(load_default=False)
    default = DefaultValue(allow_none=True, load_default=None)
    allowedValues = fields.List(
        Text(max_length=TEXT_MAX_LENGTH),
        attribute="allowed_values",
        allow_none=True,
        load_default=None,
        validate=validate.Length(min=1, max=200),
    )
    pattern = Text(max_length=1024, allow_none=True, load_default=None)
    minimum = fields.Float(allow_none=True, load_default=None, allow_nan=False)
    maximum = fields.Float(allow_none=True, load_default=None, allow_nan=False)
    maxLength = fields.Integer(
        attribute="max_length",
        strict=True,
        allow_none=True,
        load_default=None,
        validate=validate.Range(min=1, max=VALUE_MAX_LENGTH),
    )
    reason = ChangeReason()

    @validates_schema(skip_on_field_errors=True)
    def _sound(self, data: dict, **_kwargs) -> None:
        problems = rules.definition_problems(data)
        if data.get("default") is not None and len(data["default"]) > VALUE_MAX_LENGTH:
            problems.setdefault("default", []).append(f"Longer than {VALUE_MAX_LENGTH}.")
        if problems:
            names = {"allowed_values": "allowedValues", "max_length": "maxLength"}
            raise ValidationError({names.get(key, key): value for key, value in problems.items()})


class ParameterListArgsSchema(PageArgsSchema):
    SORTABLE = (
        *("id", "version", "createdAt", "updatedAt", "createdBy", "updatedBy"),
        *("group", "name", "label", "type", "required"),
    )

    group = Text()
    name = Text()


ParameterPageSchema = page_schema(ParameterSchema, "ParameterPage")


class ParameterVersionSchema(ParameterSchema):
    """A definition's full state at one version, and the operation that made it."""

    parameter = fields.UUID(
        attribute="parameter_id",
        metadata={"description": "The definition's id (a name defined again gets a new one)."},
    )
    operation = fields.String(metadata={"enum": ["CREATE", "UPDATE", "DELETE"]})
    reason = fields.String(
        allow_none=True, metadata={"description": "The change reason the write gave, if any."}
    )


class ParameterVersionListArgsSchema(PageArgsSchema):
    """Paging of one parameter's history: newest first unless `pageSort` says otherwise."""

    SORTABLE = (*ParameterListArgsSchema.SORTABLE, "parameter", "operation")

    pageSort = fields.List(
        fields.String(validate=validate.Length(max=100)),
        load_default=lambda: ["updatedAt,DESC", "version,DESC"],
        metadata={"description": "`field,ASC|DESC`, repeatable; default `updatedAt,DESC`."},
    )


ParameterVersionPageSchema = page_schema(ParameterVersionSchema, "ParameterVersionPage")


class InvalidConfigSchema(Schema):
    integration = fields.UUID(attribute="integration_id")
    integrationName = fields.String(attribute="integration_name")
    tenant = fields.String()
    config = fields.UUID(attribute="config_id")
    group = fields.String()
    name = fields.String()
    problems = fields.List(fields.String())


class ParameterChangeSchema(ParameterSchema):
    """A definition as written, or as a dry run would write it, with the configs it refuses."""

    dryRun = fields.Boolean(attribute="dry_run")
    invalidConfigs = fields.List(
        fields.Nested(InvalidConfigSchema),
        attribute="invalid_configs",
        metadata={"description": "Stored configs that do not satisfy the definition (no values)."},
    )


class ChangeArgsSchema(Schema):
    dryRun = Boolean(
        load_default=False,
        metadata={
            "description": "Change nothing; answer the definition and the configs it refuses."
        },
    )
    force = Boolean(
        load_default=False,
        metadata={
            "description": "Change the definition even though stored configs do not satisfy it."
        },
    )
