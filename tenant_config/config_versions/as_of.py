"""Configs as they stood at an instant, read from the history (`asOf` on lists and the lookup).

A config's state at an instant is its last history row written by then; a config whose last
row by then is its DELETE did not exist at that instant, nor did one created later.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, select

from tenant_config.config_versions import queries
from tenant_config.config_versions.models import DELETE, ConfigVersion
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.database import db
from tenant_config.platform.encryption.masking import Shown, shown_to
from tenant_config.platform.pagination import Page, paginate
from tenant_config.platform.tenancy import Principal, visible_to

# The config list's sort fields, read from the history row that was the config's state.
SORT_COLUMNS = {
    name: column
    for name, column in queries.SORT_COLUMNS.items()
    if name not in {"tenantConfig", "operation"}
} | {"id": ConfigVersion.tenant_config_id}


class AsConfig:
    """A history row read as the config it recorded: its `id` is the config's id."""

    __slots__ = ("_row",)

    def __init__(self, row: ConfigVersion):
        self._row = row

    @property
    def id(self):
        return self._row.tenant_config_id

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def last_rows(scope: ColumnElement[bool], instant: datetime | None = None) -> Select:
    """Select, within `scope`, each config's last history row (the last by `instant`, if given)."""
    written = [ConfigVersion.updated_at <= instant] if instant is not None else []
    last = (
        select(ConfigVersion.tenant_config_id, func.max(ConfigVersion.version).label("version"))
        .where(scope, *written)
        .group_by(ConfigVersion.tenant_config_id)
        .subquery()
    )
    return select(ConfigVersion).join(
        last,
        and_(
            ConfigVersion.tenant_config_id == last.c.tenant_config_id,
            ConfigVersion.version == last.c.version,
        ),
    )


def states_at(scope: ColumnElement[bool], instant: datetime) -> Select:
    """Select, within `scope`, the history row that was each config's state at `instant`."""
    return last_rows(scope, instant).where(ConfigVersion.operation != DELETE)


def deleted_configs(*, principal: Principal, integration_id: uuid.UUID) -> list[Shown]:
    """Return the integration's configs whose last history row is their DELETE, newest first."""
    scope = _integration_scope(principal, integration_id)
    query = last_rows(scope).where(ConfigVersion.operation == DELETE)
    rows = db.session.scalars(
        query.order_by(ConfigVersion.updated_at.desc(), ConfigVersion.tenant_config_id)
    ).all()
    return [shown_to(principal, row) for row in rows]


def _integration_scope(principal: Principal, integration_id: uuid.UUID) -> ColumnElement[bool]:
    scope = and_(
        ConfigVersion.integration_id == integration_id, visible_to(principal, ConfigVersion)
    )
    if db.session.scalar(select(ConfigVersion.id).where(scope).limit(1)) is None:
        # No history the caller may read: the integration must still be its own (else 404).
        get_integration(principal=principal, integration_id=integration_id)
    return scope


def integration_configs_at(
    *, principal: Principal, integration_id: uuid.UUID, args: Mapping[str, Any]
) -> Page:
    """Return one page of an integration's configs as they stood at `args["asOf"]`."""
    return _page_at(principal, _integration_scope(principal, integration_id), args)


def lookup_at(
    *, principal: Principal, connector: str, partner_tenant: str, args: Mapping[str, Any]
) -> Page:
    """Return one page of a connector's configs for a partner tenant as at `args["asOf"]`."""
    scope = and_(
        ConfigVersion.connector == connector,
        ConfigVersion.partner_tenant == partner_tenant,
        visible_to(principal, ConfigVersion),
    )
    return _page_at(principal, scope, args)


def _page_at(principal: Principal, scope: ColumnElement[bool], args: Mapping[str, Any]) -> Page:
    query = states_at(scope, args["asOf"])
    for name in ("group", "name"):
        if args.get(name) is not None:
            query = query.where(getattr(ConfigVersion, name) == args[name])
    tiebreak = ConfigVersion.tenant_config_id
    page = paginate(query, args=args, columns=SORT_COLUMNS, tiebreak=tiebreak)
    return page.map(lambda row: shown_to(principal, AsConfig(row)))
