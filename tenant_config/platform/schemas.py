"""Fields and schemas that every resource shares."""

from __future__ import annotations

from datetime import UTC

from marshmallow import Schema, ValidationError, fields, post_load
from marshmallow import validate as _validate

from tenant_config.platform.sizes import REASON_MAX_LENGTH

NO_NUL_PATTERN = r"^[^\u0000]*$"  # the OpenAPI's word for Text's NUL check


class Text(fields.String):
    """A string the database can store: bounded length, no NUL, valid UTF-8."""

    def __init__(self, *, max_length: int = 255, min_length: int = 0, validate=None, **kwargs):
        validators = [_validate.Length(min=min_length, max=max_length)]
        validators += [validate] if validate else []
        super().__init__(validate=validators, **kwargs)
        # A new dict: the caller's `metadata` may be shared by other fields.
        self.metadata = {"maxLength": max_length, "pattern": NO_NUL_PATTERN, **self.metadata}

    def _deserialize(self, value, attr, data, **kwargs):
        text = super()._deserialize(value, attr, data, **kwargs)
        if "\x00" in text:
            raise ValidationError("Must not contain NUL characters.")
        try:
            text.encode("utf-8")
        except UnicodeEncodeError:
            raise ValidationError("Must be valid Unicode text.") from None
        return text


class Boolean(fields.Boolean):
    """A JSON boolean, or the strings "true"/"false" (the spec's examples send strings)."""

    truthy = frozenset({True, "true"})
    falsy = frozenset({False, "false"})

    def _deserialize(self, value, attr, data, **kwargs):
        if not isinstance(value, bool | str):
            raise self.make_error("invalid", input=value)
        return super()._deserialize(value, attr, data, **kwargs)


class Timestamp(fields.DateTime):
    """UTC, ISO 8601 with `Z`, to the microsecond."""

    def __init__(self, **kwargs):
        # A custom `format=` would reach the spec as `format: null` (invalid): serialize here.
        metadata = {
            "pattern": r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$",
            "example": "2022-10-28T18:39:21.123456Z",
        }
        super().__init__(dump_only=True, metadata=metadata, **kwargs)

    def _serialize(self, value, attr, obj, **kwargs):
        if value is None:
            return None
        # isoformat pads the year to four digits where strftime's %Y may not (year 135).
        return value.astimezone(UTC).isoformat(timespec="microseconds").replace("+00:00", "Z")


class ResourceSchema(Schema):
    """The spec's BaseResource fields, as answers carry them."""

    id = fields.UUID(dump_only=True, metadata={"example": "9fe70c57-4815-4247-8ec8-0d886277e93a"})
    version = fields.Integer(dump_only=True, metadata={"example": 2})
    createdAt = Timestamp(attribute="created_at")
    updatedAt = Timestamp(attribute="updated_at")
    createdBy = fields.String(attribute="created_by", dump_only=True)
    updatedBy = fields.String(attribute="updated_by", dump_only=True)


class WritableResourceSchema(Schema):
    """Request bodies: server-managed fields are ignored; `version` is a precondition."""

    id = fields.Raw(load_only=True, allow_none=True)
    createdAt = fields.Raw(load_only=True, allow_none=True)
    updatedAt = fields.Raw(load_only=True, allow_none=True)
    createdBy = fields.Raw(load_only=True, allow_none=True)
    updatedBy = fields.Raw(load_only=True, allow_none=True)
    version = fields.Integer(
        load_only=True,
        allow_none=True,
        strict=True,
        metadata={"description": "The version the change expects (instead of If-Match)."},
    )

    @post_load
    def drop_server_managed(self, data: dict, **_kwargs) -> dict:
        for name in ("id", "createdAt", "updatedAt", "createdBy", "updatedBy"):
            data.pop(name, None)
        return data


class ChangeReason(Text):
    """The optional reason a write gives for itself, kept in its history row."""

    def __init__(self, **kwargs):
        metadata = {
            "description": "Why this change is made (kept in its history row).",
            "example": "Ticket OPS-1234: enable logging for the audit",
        }
        super().__init__(
            max_length=REASON_MAX_LENGTH,
            allow_none=True,
            load_default=None,
            load_only=True,
            metadata=metadata,
            **kwargs,
        )


class ExpectedVersionSchema(Schema):
    """The optional body of a DELETE: the version the caller expects, and the change reason."""

    version = fields.Integer(strict=True, metadata={"description": "The expected version."})
    reason = ChangeReason()


class ProblemSchema(Schema):
    """An RFC 9457 problem document."""

    type = fields.String(required=True, metadata={"example": "urn:tenant-config:problem:not-found"})
    title = fields.String(required=True, metadata={"example": "Not Found"})
    status = fields.Integer(required=True, metadata={"example": 404})
    detail = fields.String(metadata={"example": "The resource being read does not exist."})
    instance = fields.String(metadata={"example": "/tenantintegrations/9fe70c57"})
    timestamp = fields.String(metadata={"example": "2022-10-28T18:39:21.000000Z"})
    traceId = fields.String(metadata={"example": "e68cae3b-3c77-4fed-93d3-1765c24fd6e8"})
    encounteredBy = fields.String(metadata={"example": "user1@companyXyz.com"})
    errors = fields.Dict(
        keys=fields.String(),
        values=fields.Raw(),
        metadata={"description": "Field name to messages (validation problems)."},
    )
    currentVersion = fields.Integer(
        metadata={"description": "The version the resource is at (409 and 412 on a change)."}
    )


class UUIDText(fields.UUID):
    """A UUID in its canonical lower-case text form (tenant and client ids)."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        return str(super()._deserialize(value, attr, data, **kwargs))
