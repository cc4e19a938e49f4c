"""Rules for integrations: visibility by tenant claims, uniqueness, locking, cascade delete."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from types import SimpleNamespace
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tenant_config.config_versions.recorder import record_deletion
from tenant_config.configs.models import Config
from tenant_config.connectors.queries import require_known
from tenant_config.integrations.models import Integration
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.changes import announce, change_key
from tenant_config.platform.clock import utcnow
from tenant_config.platform.database import retried, transaction
from tenant_config.platform.errors import Duplicate, Forbidden, NotEmpty, ValidationFailed
from tenant_config.platform.pagination import Page, paginate
from tenant_config.platform.preconditions import Expectation
from tenant_config.platform.tenancy import Principal, visible_to

SORT_COLUMNS = {
    "id": Integration.id,
    "version": Integration.version,
    "createdAt": Integration.created_at,
    "updatedAt": Integration.updated_at,
    "createdBy": Integration.created_by,
    "updatedBy": Integration.updated_by,
    "name": Integration.name,
    "client": Integration.client,
    "clientName": Integration.client_name,
    "tenant": Integration.tenant,
    "tenantName": Integration.tenant_name,
    "partnerTenant": Integration.partner_tenant,
    "partnerTenantName": Integration.partner_tenant_name,
    "connector": Integration.connector,
}
SEARCHED = (
    Integration.name,
    Integration.tenant_name,
    Integration.client_name,
    Integration.partner_tenant,
    Integration.partner_tenant_name,
    Integration.connector,
)
FILTERS = ("connector", "tenant", "client", "partner_tenant", "name")
IMMUTABLE = {
    "client": "client",
    "tenant": "tenant",
    "partner_tenant": "partnerTenant",
    "connector": "connector",
}


def list_integrations(*, principal: Principal, args: Mapping[str, Any]) -> Page:
    """Return one page of the integrations the caller may see, filtered as asked."""
    query = select(Integration).where(visible_to(principal, Integration))
    for name in FILTERS:
        if args.get(name) is not None:
            query = query.where(getattr(Integration, name) == args[name])
    if args.get("search"):
        query = query.where(_matches(args["search"]))
    return paginate(query, args=args, columns=SORT_COLUMNS, tiebreak=Integration.id)


def _matches(text: str) -> ColumnElement[bool]:
    """Return the condition for integrations whose names or keys contain `text` (any case)."""
    pattern = "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    return or_(*(func.lower(column).like(pattern, escape="\\") for column in SEARCHED))


def _check_claims(principal: Principal, data: Mapping[str, Any]) -> None:
    if not principal.may_see(SimpleNamespace(**data)):
        raise Forbidden("The token's tenant claims do not cover this tenant, client or partner.")


def _duplicate() -> Duplicate:
    return Duplicate("An integration for this connector and partner tenant exists already.")


def create_integration(*, principal: Principal, data: Mapping[str, Any]) -> Integration:
    """Create an integration within the caller's tenant claims."""
    _check_claims(principal, data)
    data = {k: v for k, v in data.items() if k != "version"}
    try:
        with transaction() as session:
            require_known(data["connector"])  # locked: it cannot leave the catalog meanwhile
            integration = Integration(**data)
            integration.stamp(principal.identity)
            session.add(integration)
            _announce(session, integration)
    except IntegrityError:
        raise _duplicate() from None
    return integration


@retried
def update_integration(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    data: Mapping[str, Any],
    expect: Expectation,
) -> Integration:
    """Replace an integration's names; its tenant, client, partner and connector stay fixed."""
    with transaction() as session:
        integration = get_integration(
            principal=principal, integration_id=integration_id, lock="rename"
        )
        expect.check(integration.id, integration.version)
        moved = {
            name: ["Cannot change; create a new integration instead."]
            for key, name in IMMUTABLE.items()
            if data[key] != getattr(integration, key)
        }
        if moved:
            raise ValidationFailed("Fixed fields differ from the integration.", errors=moved)
        changes = {k: v for k, v in data.items() if k != "version" and getattr(integration, k) != v}
        if changes:
            for key, value in changes.items():
                setattr(integration, key, value)
            integration.stamp(principal.identity)
            _announce(session, integration)  # every config in a lookup repeats its names
    return integration


@retried
def delete_integration(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    expect: Expectation,
    cascade: bool,
    reason: str | None = None,
) -> None:
    """Delete an integration; with `cascade`, its configs too (each leaves a DELETE version)."""
    with transaction() as session:
        # Locked before its configs are read: a create under it either committed before (and
        # is deleted here, with its history row) or waits and then finds no integration.
        integration = get_integration(
            principal=principal, integration_id=integration_id, lock="delete"
        )
        expect.check(integration.id, integration.version)
        configs = session.scalars(
            select(Config).where(Config.integration_id == integration.id).with_for_update(of=Config)
        ).all()
        if configs and not cascade:
            raise NotEmpty(
                f"The integration still has {len(configs)} configs; delete them first "
                "or pass cascade=true."
            )
        now = utcnow()
        for config in configs:
            record_deletion(session, config, by=principal.identity, at=now, reason=reason)
        session.delete(integration)
        _announce(session, integration)


def _announce(session: Session, integration: Integration) -> None:
    """Tell lookups and waiters that this integration's partner tenant has changed."""
    announce(session, change_key(integration.connector, integration.partner_tenant))
