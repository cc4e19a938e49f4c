"""Rules for parameter definitions: sound definitions, versioned with a history of their own."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tenant_config.connectors.queries import get_connector
from tenant_config.parameters import queries
from tenant_config.parameters.impact import InvalidConfig, invalid_configs
from tenant_config.parameters.models import (
    CREATE,
    DEFINITION_FIELDS,
    UPDATE,
    Parameter,
    ParameterVersion,
)
from tenant_config.parameters.recorder import record_change, record_deletion
from tenant_config.platform.database import LostRace, retried, transaction, violates_foreign_key
from tenant_config.platform.errors import (
    Duplicate,
    InvalidatesConfigs,
    NotFound,
    ValidationFailed,
)
from tenant_config.platform.pagination import Page, paginate
from tenant_config.platform.preconditions import Expectation
from tenant_config.platform.tenancy import Principal


def list_parameters(*, connector: str, args: Mapping[str, Any]) -> Page:
    """Return one page of a connector's parameter definitions."""
    get_connector(connector)
    query = queries.filtered(select(Parameter).where(Parameter.connector == connector), args)
    return paginate(query, args=args, columns=queries.SORT_COLUMNS, tiebreak=Parameter.id)


def get_parameter(*, connector: str, name: str) -> Parameter:
    """Return one parameter definition of a connector."""
    get_connector(connector)
    return queries.get_parameter(connector, name)


def list_parameter_versions(*, connector: str, name: str, args: Mapping[str, Any]) -> Page:
    """Return one page of the history of a connector's parameter (also once it was deleted)."""
    history = select(ParameterVersion).where(
        ParameterVersion.connector == connector, ParameterVersion.name == name
    )
    page = paginate(
        history, args=args, columns=queries.VERSION_SORT_COLUMNS, tiebreak=ParameterVersion.id
    )
    if page.total == 0:  # every definition has its CREATE row: none, no such parameter ever
        get_connector(connector)
        raise NotFound("The connector never had a parameter of this name.")
    return page


@dataclass
class DefinitionChange:
    """A definition as written (or, in a dry run, as it would be) and the configs it refuses."""

    parameter: Parameter
    invalid_configs: list[InvalidConfig]
    dry_run: bool

    def __getattr__(self, name: str) -> Any:
        return getattr(self.parameter, name)  # answers carry the definition's own fields


def _check_impact(
    connector: str,
    data: Mapping[str, Any],
    *,
    before: Mapping[str, Any] | None,
    dry_run: bool,
    force: bool,
) -> list[InvalidConfig]:
    """Return the configs `data` refuses; refuse a change that breaks one `before` accepted."""
    invalid = invalid_configs(connector, data, before=before)
    # Configs the current definition refuses already are not this change's doing.
    broken = [item for item in invalid if item.newly]
    if broken and not dry_run and not force:
        raise InvalidatesConfigs(
            f"{len(broken)} stored config(s) that satisfy the current definition would not "
            "satisfy this one: fix them, or send force=true to change it anyway (dryRun=true "
            "shows them without a change). invalidConfigs lists every config it refuses.",
            extensions={"invalidConfigs": [invalid_config_answer(item) for item in invalid]},
        )
    return invalid


def invalid_config_answer(item: InvalidConfig) -> dict[str, Any]:
    """Return an invalid config as answers list it (no value)."""
    return {
        "integration": str(item.integration_id),
        "integrationName": item.integration_name,
        "tenant": item.tenant,
        "config": str(item.config_id),
        "group": item.group,
        "name": item.name,
        "problems": item.problems,
    }


def _fields(data: Mapping[str, Any]) -> dict[str, Any]:
    return {field: data[field] for field in DEFINITION_FIELDS}


def _same_connector(connector: str, data: Mapping[str, Any]) -> None:
    if data.get("connector") not in (None, connector):
        raise ValidationFailed(
            "The body's connector differs from the path's.",
            errors={"connector": ["A definition belongs to the connector of its path."]},
        )


@retried
def create_parameter(
    *, principal: Principal, connector: str, data: Mapping[str, Any], dry_run: bool, force: bool
) -> DefinitionChange:
    """Define a new parameter of a connector (version 0) and record its CREATE version."""
    _same_connector(connector, data)
    try:
        with transaction() as session:
            get_connector(connector)
            if queries.find_parameter(connector, data["name"]) is not None:
                raise Duplicate(
                    f"The connector defines a parameter named {data['name']!r} already."
                )
            invalid = _check_impact(connector, data, before=None, dry_run=dry_run, force=force)
            parameter = Parameter(id=uuid.uuid4(), connector=connector, **_fields(data))
            if dry_run:  # as it would be; never added to the session
                parameter.version = 0
                parameter.stamp(principal.identity)
            else:
                record_change(
                    session, parameter, CREATE, by=principal.identity, reason=data["reason"]
                )
    except IntegrityError as error:
        if violates_foreign_key(error):
            raise LostRace() from None
        raise Duplicate(
            f"The connector defines a parameter named {data['name']!r} already."
        ) from None
    return DefinitionChange(parameter, invalid, dry_run)


@retried
def replace_parameter(
    *,
    principal: Principal,
    connector: str,
    name: str,
    data: Mapping[str, Any],
    expect: Expectation,
    dry_run: bool,
    force: bool,
) -> DefinitionChange:
    """Replace a definition if the caller's expectation holds; record an UPDATE version."""
    _same_connector(connector, data)
    if data["name"] != name:
        raise ValidationFailed(
            "The body's name differs from the path's.",
            errors={"name": ["A definition keeps its name; define a new one instead."]},
        )
    with transaction() as session:
        get_connector(connector)
        parameter = queries.get_parameter(connector, name, lock=None if dry_run else "update")
        expect.check(parameter.id, parameter.version)
        before = parameter.definition()
        invalid = _check_impact(connector, data, before=before, dry_run=dry_run, force=force)
        changed = before != _fields(data)
        if dry_run:
            parameter = Parameter(**{**_copy(parameter), **_fields(data)})
            parameter.version += changed  # as it would be
            return DefinitionChange(parameter, invalid, dry_run)
        if changed:
            for key, value in _fields(data).items():
                setattr(parameter, key, value)
            record_change(session, parameter, UPDATE, by=principal.identity, reason=data["reason"])
    return DefinitionChange(parameter, invalid, dry_run)


@retried
def delete_parameter(
    *, principal: Principal, connector: str, name: str, expect: Expectation, reason: str | None
) -> None:
    """Delete a definition (its configs become free-form); its history stays."""
    with transaction() as session:
        get_connector(connector)
        parameter = queries.get_parameter(connector, name, lock="update")
        expect.check(parameter.id, parameter.version)
        record_deletion(session, parameter, by=principal.identity, reason=reason)


def _copy(parameter: Parameter) -> dict[str, Any]:
    keys = ("id", "version", "created_at", "updated_at", "created_by", "updated_by", "connector")
    return {key: getattr(parameter, key) for key in keys}
