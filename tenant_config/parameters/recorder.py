"""The definitions' change pipeline: every write of a definition appends its history row."""

from __future__ import annotations

from sqlalchemy.orm import Session

from tenant_config.parameters.models import (
    DEFINITION_FIELDS,
    DELETE,
    Parameter,
    ParameterVersion,
)
from tenant_config.platform.changes import announce, connector_key
from tenant_config.platform.clock import utcnow


def record_change(
    session: Session, parameter: Parameter, operation: str, *, by: str, reason: str | None
) -> ParameterVersion:
    """Stamp `parameter` as changed by `by`, write it and append its history row."""
    parameter.stamp(by)
    session.add(parameter)
    session.flush()  # the version counter moves on flush
    row = _snapshot(parameter, operation, parameter.version, reason=reason)
    session.add(row)
    announce(session, connector_key(parameter.connector))  # effective lookups change with it
    return row


def record_deletion(
    session: Session, parameter: Parameter, *, by: str, reason: str | None
) -> ParameterVersion:
    """Delete `parameter`, appending its last state as the DELETE row at the next version."""
    row = _snapshot(parameter, DELETE, parameter.version + 1, reason=reason)
    row.updated_at, row.updated_by = utcnow(), by
    session.delete(parameter)
    session.add(row)
    announce(session, connector_key(parameter.connector))
    return row


def _snapshot(
    parameter: Parameter, operation: str, version: int, *, reason: str | None
) -> ParameterVersion:
    return ParameterVersion(
        parameter_id=parameter.id,
        version=version,
        operation=operation,
        created_at=parameter.created_at,
        updated_at=parameter.updated_at,
        created_by=parameter.created_by,
        updated_by=parameter.updated_by,
        connector=parameter.connector,
        reason=reason,
        **{field: getattr(parameter, field) for field in DEFINITION_FIELDS},
    )
