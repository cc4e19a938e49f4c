"""Request and answer shapes of connectors, and of a connector's definition file."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import parse_qsl

from marshmallow import RAISE, Schema, ValidationError, fields, missing, validate, validates_schema
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import MultiDict

from tenant_config.configs.schemas import ConfigSchema, LookupArgsSchema
from tenant_config.parameters.schemas import ParameterWriteSchema
from tenant_config.platform.pagination import PageArgsSchema, page_schema
from tenant_config.platform.schemas import (
    Boolean,
    ResourceSchema,
    Text,
    Timestamp,
    WritableResourceSchema,
)
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


# The lookup's own shapes: `effective` and `format` on top of the config list's arguments.
FORMATS = ("page", "map")
PAGING = ("pageSize", "pageNumber", "pageSort")


class ConnectorLookupArgsSchema(LookupArgsSchema):
    effective = Boolean(
        load_default=False,
        metadata={
            "description": "true: every parameter the connector defines, each the stored config "
            "where one exists (`source: config`), else the definition's default (`source: "
            "default`; a parameter with no default answers `value: null`, a secret too, and "
            "never a mask: nothing is stored), plus stored configs with no definition. Filters, "
            "sorting and paging apply to that merged list. Only for a partner tenant whose "
            "integration the caller may see (else an empty answer); not with `asOf` (400). A "
            "change of the connector's definitions changes the answer, and ends a `wait`."
        },
    )
    format = fields.String(
        load_default="page",
        validate=validate.OneOf(FORMATS),
        metadata={
            "description": "`page` (the default): the paged list of configs. `map`: the whole "
            'filtered set as `{"<group>": {"<name>": value}}`, each value converted to its '
            "defined type (boolean, integer, number, parsed json; a string otherwise, for a "
            "config with no definition, or for a stored value that does not read as its type); "
            "a masked secret stays the mask; with `asOf`, the values then stored, typed by today's "
            "definitions. A map is not paged: `pageSize`, `pageNumber` and `pageSort` with it "
            "are 400."
        },
    )

    @validates_schema(pass_original=True)
    def _combinations(self, data: dict, original: Mapping, **_kwargs) -> None:
        if data.get("effective") and data.get("asOf") is not None:
            raise ValidationError(
                {"asOf": ["effective and asOf cannot be combined: definitions have no past here."]}
            )
        if data.get("format") == "map":
            sent = [name for name in PAGING if _sent(original, name)]
            if sent:
                raise ValidationError(
                    {name: ["A map is not paged: leave it out with format=map."] for name in sent}
                )


def lookup_query_args(query: str) -> dict:
    """Read a lookup's query string as the lookup does; raise ValidationError where it refuses."""
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise ValidationError("The query is not valid UTF-8 once decoded.") from None
    schema = ConnectorLookupArgsSchema(unknown=RAISE)  # the lookup refuses unknown parameters
    return schema.load(MultiDictProxy(MultiDict(pairs), schema))


def _sent(original: Mapping, name: str) -> bool:
    """Tell whether the query carries `name` with a value (`?pageSize=` counts as absent)."""
    value = original.get(name, missing)  # webargs' proxy answers `missing` for an absent one
    values = value if isinstance(value, list) else [value]
    return any(item is not missing and item not in (None, "") for item in values)


NULL_FOR_DEFAULT = {"description": "null for a default (nothing is stored)."}


class LookupConfigSchema(ConfigSchema):
    """A config as the lookup answers it; with effective=true, a default has no stored state."""

    id = fields.UUID(dump_only=True, allow_none=True, metadata=NULL_FOR_DEFAULT)
    version = fields.Integer(dump_only=True, allow_none=True, metadata=NULL_FOR_DEFAULT)
    createdAt = Timestamp(attribute="created_at", allow_none=True)
    updatedAt = Timestamp(attribute="updated_at", allow_none=True)
    createdBy = fields.String(attribute="created_by", dump_only=True, allow_none=True)
    updatedBy = fields.String(attribute="updated_by", dump_only=True, allow_none=True)
    source = fields.String(
        metadata={
            "enum": ["config", "default"],
            "description": "With effective=true only: a stored config, or the definition's "
            "default.",
        }
    )


LookupConfigPageSchema = page_schema(LookupConfigSchema, "LookupConfigPage", asOf=Timestamp())
CONFIG_MAP_DOC = {
    "type": "object",
    "description": "format=map: values by group and name, typed by their definitions.",
    "additionalProperties": {
        "type": "object",
        "additionalProperties": {"description": "boolean, number, JSON value, string or null"},
    },
    "example": {"messageLogConfigs": {"messageLogEnabled": True, "retentionDays": 30}},
}
LOOKUP_ANSWER_DOC = {"oneOf": [LookupConfigPageSchema, CONFIG_MAP_DOC]}
