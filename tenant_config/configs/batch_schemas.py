"""Request and answer shapes of batches, exports and comparisons of an integration's configs."""

from __future__ import annotations

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from tenant_config.configs.schemas import ConfigSchema, ConfigWriteSchema
from tenant_config.platform.schemas import Boolean, ChangeReason, Text, Timestamp

MAX_OPERATIONS = 500
OPERATIONS = ("create", "update", "delete")
CONFLICT_POLICIES = ("abort", "skip", "overwrite")
# Bounded like a database integer: a huge number must be a 422, never an overflow.
VERSION = validate.Range(min=0, max=2**31 - 1)


class BatchConfigSchema(ConfigWriteSchema):
    """A config in a batch: as in a POST or PUT; the precondition is the operation's own."""

    class Meta:
        exclude = ("version",)

    valueOmitted = Boolean(
        attribute="value_omitted",
        metadata={"description": "Set by an export that left a secret out; refused here."},
    )


class OperationSchema(Schema):
    """One operation of a batch: create, update or delete one config."""

    op = Text(required=True, validate=validate.OneOf(OPERATIONS))
    id = fields.UUID(metadata={"description": "The config (update and delete)."})
    expectedVersion = fields.Integer(
        strict=True,
        validate=VERSION,
        attribute="expected_version",
        metadata={"description": "The version the operation expects (409 when it differs)."},
    )
    ifMatch = Text(
        max_length=1024,
        attribute="if_match",
        metadata={"description": "Instead of `expectedVersion`: the config's ETag (412)."},
    )
    body = fields.Nested(BatchConfigSchema)
    reason = ChangeReason()

    @validates_schema
    def check_shape(self, data: dict, **_kwargs) -> None:
        """Ask each kind of operation for what it needs, and nothing it would ignore."""
        op = data.get("op")
        needs = {"create": {"body"}, "update": {"id", "body"}, "delete": {"id"}}.get(op, set())
        takes = needs | {"reason"}
        takes |= {"expected_version", "if_match"} if op in ("update", "delete") else set()
        errors = {
            **{name: ["Required by this operation."] for name in needs if name not in data},
            **{name: ["Not taken by this operation."] for name in data.keys() - takes - {"op"}},
        }
        if errors:
            renamed = {"expected_version": "expectedVersion", "if_match": "ifMatch"}
            raise ValidationError({renamed.get(k, k): v for k, v in errors.items()})


class BatchSchema(Schema):
    """A batch, or an export document (whose other fields are kept for the reader only)."""

    operations = fields.List(
        fields.Nested(OperationSchema),
        required=True,
        validate=validate.Length(min=1, max=MAX_OPERATIONS),
    )
    exportedFrom = fields.UUID(metadata={"description": "Informative: the exported integration."})
    exportedAt = Text(metadata={"description": "Informative: when it was exported."})
    reason = ChangeReason()  # of every operation that gives none of its own


class BatchArgsSchema(Schema):
    onConflict = Text(
        load_default="abort",
        validate=validate.OneOf(CONFLICT_POLICIES),
        metadata={
            "description": "A create whose name exists: `abort` the batch (409), `skip` it, "
            "or `overwrite` the existing config (a new version, no precondition)."
        },
    )


class OperationResultSchema(Schema):
    index = fields.Integer()
    op = fields.String()
    outcome = fields.String(
        metadata={"enum": ["created", "updated", "unchanged", "deleted", "skipped"]}
    )
    config = fields.Nested(ConfigSchema, metadata={"description": "As the caller may see it."})
    id = fields.UUID(metadata={"description": "The deleted config."})
    version = fields.Integer(metadata={"description": "The version of its DELETE row."})


class BatchResultSchema(Schema):
    results = fields.List(fields.Nested(OperationResultSchema), required=True)


class ExportedConfigSchema(Schema):
    group = fields.String()
    name = fields.String()
    label = fields.String(allow_none=True)
    description = fields.String(allow_none=True)
    value = fields.String(allow_none=True)
    sensitive = fields.Boolean()
    valueOmitted = fields.Boolean(
        metadata={"description": "The secret was left out: the caller may not read it."}
    )


class ExportedOperationSchema(Schema):
    op = fields.String(metadata={"example": "create"})
    body = fields.Nested(ExportedConfigSchema)


class ExportSchema(Schema):
    operations = fields.List(fields.Nested(ExportedOperationSchema), required=True)
    exportedFrom = fields.UUID()
    exportedAt = Timestamp()


class CompareArgsSchema(Schema):
    with_ = fields.UUID(
        required=True,
        data_key="with",
        metadata={"description": "The integration to compare with (`there`; `here` is `{ti}`)."},
    )


class ComparedFieldSchema(Schema):
    field = fields.String(metadata={"example": "value"})
    here = fields.Raw(metadata={"description": "The value in `{ti}`."})
    there = fields.Raw(metadata={"description": "The value in `with`."})
    compared = fields.Boolean(
        metadata={"description": "false: a secret the caller may not read was not compared."}
    )


class DifferenceSchema(Schema):
    name = fields.String()
    changes = fields.List(fields.Nested(ComparedFieldSchema))


class NamedConfigSchema(Schema):
    name = fields.String()
    group = fields.String()


class ComparisonSchema(Schema):
    integration = fields.UUID()
    with_ = fields.UUID(attribute="with", data_key="with")
    onlyHere = fields.List(fields.Nested(NamedConfigSchema))
    onlyThere = fields.List(fields.Nested(NamedConfigSchema))
    different = fields.List(fields.Nested(DifferenceSchema))
    same = fields.List(fields.String())
