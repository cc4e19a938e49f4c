"""The connector catalog (the lookup of a connector's configs is in lookup.py)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from tenant_config.connectors import queries
from tenant_config.connectors.models import Connector
from tenant_config.connectors.schemas import CODE_PATTERN
from tenant_config.integrations.models import Integration
from tenant_config.parameters.queries import definitions_of
from tenant_config.parameters.recorder import record_deletion
from tenant_config.platform.changes import announce, connector_key
from tenant_config.platform.database import LostRace, retried, transaction
from tenant_config.platform.errors import InUse, PreconditionFailed, ValidationFailed
from tenant_config.platform.pagination import Page, paginate
from tenant_config.platform.preconditions import Expectation
from tenant_config.platform.tenancy import Principal


def list_connectors(*, args: Mapping[str, Any]) -> Page:
    """Return one page of the connectors the service knows."""
    return paginate(
        select(Connector), args=args, columns=queries.SORT_COLUMNS, tiebreak=Connector.id
    )


def get_connector(*, code: str) -> Connector:
    """Return one connector of the catalog."""
    return queries.get_connector(code)


@retried
def put_connector(
    *, principal: Principal, code: str, data: Mapping[str, Any], expect: Expectation
) -> tuple[Connector, bool]:
    """Add a connector to the catalog, or replace its fields; tell whether it was created."""
    if not re.fullmatch(CODE_PATTERN, code):
        raise ValidationFailed(
            "Not a connector code.",
            errors={
                "code": ["Upper-case letters, digits and _, starting with a letter; 64 at most."]
            },
        )
    if data.get("code") not in (None, code):
        raise ValidationFailed(
            "The body's code differs from the path's.",
            errors={"code": ["A connector keeps its code."]},
        )
    try:
        with transaction() as session:
            connector = queries.find_connector(code, lock="update")
            created = connector is None
            if created:
                if expect.if_match is not None or expect.version is not None:
                    raise PreconditionFailed("The connector does not exist: create it without one.")
                connector = Connector(id=uuid.uuid4(), code=code)
            else:
                expect.check(connector.id, connector.version)
            fields = {key: data[key] for key in ("display_name", "description", "strict")}
            if created or any(getattr(connector, k) != v for k, v in fields.items()):
                for key, value in fields.items():
                    setattr(connector, key, value)
                connector.stamp(principal.identity)
                session.add(connector)
                announce(session, connector_key(code))
    except IntegrityError:
        raise LostRace() from None  # created meanwhile: the next attempt replaces it
    return connector, created


@retried
def delete_connector(*, principal: Principal, code: str, expect: Expectation) -> None:
    """Remove a connector no integration uses, with its definitions (their history stays)."""
    with transaction() as session:
        connector = queries.get_connector(code, lock="update")
        expect.check(connector.id, connector.version)
        used = session.scalar(select(func.count()).where(Integration.connector == code))
        if used:
            raise InUse(f"{used} integration(s) use this connector; delete them first.")
        for parameter in definitions_of(code).values():
            record_deletion(session, parameter, by=principal.identity, reason="Connector removed")
        session.flush()
        session.delete(connector)
        announce(session, connector_key(code))
