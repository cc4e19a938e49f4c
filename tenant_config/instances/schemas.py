"""Request and answer shapes of instance reports."""

from __future__ import annotations

import re

from marshmallow import Schema, ValidationError, fields, validate

from tenant_config.instances.models import (
    INSTANCE_MAX_LENGTH,
    QUERY_MAX_LENGTH,
    REASON_MAX_LENGTH,
    STATUSES,
)
from tenant_config.instances.queries import SORT_COLUMNS
from tenant_config.platform.pagination import PageArgsSchema, page_schema
from tenant_config.platform.schemas import Text, Timestamp

INSTANCE_PATTERN = rf"^[A-Za-z0-9._:-]{{1,{INSTANCE_MAX_LENGTH}}}$"
DEFAULT_QUERY = "effective=true&format=map"
# RFC 9110's opaque-tag characters, between the quotes.
OPAQUE_TAG = re.compile(r"[\x21\x23-\x7e]+")
EXAMPLE = {
    "etag": '"3f1c9e0a5b7d4c2e8f6a1b3d5c7e9f0a2b4c6d8e0f1a3b5c7d9e1f2a4b6c8d0e"',
    "status": "applied",
    "query": DEFAULT_QUERY,
}


class ETagText(Text):
    """An ETag as the lookup sent it, quoted or not (`W/` allowed); loaded as its opaque tag."""

    def _deserialize(self, value, attr, data, **kwargs) -> str:
        text = super()._deserialize(value, attr, data, **kwargs).strip()
        tag = text.removeprefix("W/")
        if len(tag) >= 2 and tag[0] == tag[-1] == '"':
            tag = tag[1:-1]
        if not OPAQUE_TAG.fullmatch(tag):
            raise ValidationError("Not an ETag: the lookup's ETag header, quoted or not.")
        return tag


class InstanceReportWriteSchema(Schema):
    """What a connector instance reports about the lookup answer it read."""

    etag = ETagText(
        required=True,
        metadata={"description": "The lookup's ETag the instance applied or rejected."},
    )
    status = fields.String(required=True, validate=validate.OneOf(STATUSES))
    reason = Text(
        max_length=REASON_MAX_LENGTH,
        allow_none=True,
        load_default=None,
        metadata={"description": "Why, in a few words (a rejection's error, typically)."},
    )
    query = Text(
        max_length=QUERY_MAX_LENGTH,
        load_default=DEFAULT_QUERY,
        metadata={
            "description": "The lookup's query string the instance read, as sent (its ETag "
            f"depends on it); `{DEFAULT_QUERY}` when left out."
        },
    )


class InstanceReportSchema(Schema):
    instance = fields.String(metadata={"example": "worker-7f9c:1"})
    etag = fields.String(metadata={"description": "The ETag reported, without quotes."})
    status = fields.String(metadata={"enum": list(STATUSES)})
    reason = fields.String(allow_none=True)
    query = fields.String(metadata={"example": DEFAULT_QUERY})
    reportedAt = Timestamp(attribute="reported_at")
    reportedBy = fields.String(attribute="reported_by")
    latest = fields.Boolean(
        metadata={
            "description": "true while the ETag reported was the lookup's current one when "
            "reported and nothing it depends on has changed since."
        }
    )
    expiresAt = Timestamp(attribute="expires_at")  # unless the instance reports again


class InstanceListArgsSchema(PageArgsSchema):
    SORTABLE = tuple(SORT_COLUMNS)

    pageSort = fields.List(
        fields.String(validate=validate.Length(max=100)),
        load_default=lambda: ["reportedAt,DESC"],
        metadata={"description": "`field,ASC|DESC`, repeatable; default `reportedAt,DESC`."},
    )
    status = fields.String(validate=validate.OneOf(STATUSES))


InstanceReportPageSchema = page_schema(InstanceReportSchema, "InstanceReportPage")
