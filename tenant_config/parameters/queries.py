"""Reads of parameter definitions that other resources share."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import Select, select

from tenant_config.parameters.models import Parameter, ParameterVersion
from tenant_config.platform.database import db
from tenant_config.platform.errors import NotFound

SORT_COLUMNS = {
    "id": Parameter.id,
    "version": Parameter.version,
    "createdAt": Parameter.created_at,
    "updatedAt": Parameter.updated_at,
    "createdBy": Parameter.created_by,
    "updatedBy": Parameter.updated_by,
    "group": Parameter.group,
    "name": Parameter.name,
    "label": Parameter.label,
    "type": Parameter.type,
    "required": Parameter.required,
}
VERSION_SORT_COLUMNS = {
    **{field: getattr(ParameterVersion, column.key) for field, column in SORT_COLUMNS.items()},
    "parameter": ParameterVersion.parameter_id,
    "operation": ParameterVersion.operation,
}


def filtered(query: Select, args: Mapping[str, Any]) -> Select:
    """Narrow a query of definitions by the `group` and `name` filters."""
    for field in ("group", "name"):
        if args.get(field) is not None:
            query = query.where(getattr(Parameter, field) == args[field])
    return query


def definitions_of(connector: str) -> dict[str, Parameter]:
    """Return a connector's parameter definitions by name."""
    rows = db.session.scalars(select(Parameter).where(Parameter.connector == connector))
    return {parameter.name: parameter for parameter in rows}


def find_parameter(connector: str, name: str, *, lock: str | None = None) -> Parameter | None:
    """Return a connector's definition of `name`, or None; `lock` "share" or "update" locks it."""
    query = select(Parameter).where(Parameter.connector == connector, Parameter.name == name)
    if lock is not None:
        query = query.with_for_update(read=lock == "share")
    return db.session.scalar(query)


def get_parameter(connector: str, name: str, *, lock: str | None = None) -> Parameter:
    """Return a connector's definition of `name`; a missing one is NotFound."""
    if (parameter := find_parameter(connector, name, lock=lock)) is None:
        raise NotFound("The connector has no parameter of this name.")
    return parameter
