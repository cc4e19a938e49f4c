"""The connector_parameters table and its append-only history."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Float, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tenant_config.platform.database import Audited, db
from tenant_config.platform.sizes import (
    DESCRIPTION_MAX_LENGTH,
    REASON_MAX_LENGTH,
    VALUE_MAX_LENGTH,
)

CREATE, UPDATE, DELETE = "CREATE", "UPDATE", "DELETE"
TYPES = ("string", "boolean", "integer", "number", "enum", "url", "email", "json", "secret")
# The columns a definition consists of, in the order answers list them.
DEFINITION_FIELDS = (
    "group",
    "name",
    "label",
    "description",
    "type",
    "required",
    "default",
    "allowed_values",
    "pattern",
    "minimum",
    "maximum",
    "max_length",
)


class ParameterFields:
    """The fields of a definition, shared by the live row and its history rows."""

    connector: Mapped[str]
    group: Mapped[str] = mapped_column("group_name")
    name: Mapped[str]
    label: Mapped[str | None]
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
    type: Mapped[str] = mapped_column(String(16))
    required: Mapped[bool] = mapped_column(default=False)
    default: Mapped[str | None] = mapped_column("default_value", String(VALUE_MAX_LENGTH))
    allowed_values: Mapped[list[str] | None] = mapped_column(JSON)
    pattern: Mapped[str | None] = mapped_column(String(1024))
    minimum: Mapped[float | None] = mapped_column(Float)
    maximum: Mapped[float | None] = mapped_column(Float)
    max_length: Mapped[int | None]

    def definition(self) -> dict[str, Any]:
        """Return the definition's fields as a plain mapping."""
        return {field: getattr(self, field) for field in DEFINITION_FIELDS}


class Parameter(ParameterFields, Audited, db.Model):
    """The definition of one parameter a connector understands."""

    __tablename__ = "connector_parameters"

    connector: Mapped[str] = mapped_column(
        ForeignKey("connectors.code", ondelete="RESTRICT"), nullable=False
    )

    __table_args__ = (
        UniqueConstraint("connector", "name", name="uq_parameter_connector_name"),
        Index("ix_parameter_connector_group", "connector", "group_name"),
    )


class ParameterVersion(ParameterFields, db.Model):
    """A definition's full state at one version, with the operation that made it."""

    __tablename__ = "connector_parameter_versions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    parameter_id: Mapped[uuid.UUID]  # no foreign key: history outlives the definition
    version: Mapped[int]
    operation: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    created_by: Mapped[str]
    updated_by: Mapped[str]
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX_LENGTH))

    __table_args__ = (
        UniqueConstraint("parameter_id", "version", name="uq_parameter_version"),
        Index("ix_parameter_version_connector_name", "connector", "name"),
    )
