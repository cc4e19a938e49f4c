"""Tenant isolation: who the caller is, and which integrations it may see (in SQL and in memory).

An integration, and everything under it, is visible when its `tenant` is in the caller's
tenants, or its `client` in its clients, or `"<connector>:<partnerTenant>"` in its partner
tenants, or the caller is an administrator. Both forms below apply this one rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import ColumnElement, and_, false, or_, true

from tenant_config.platform.scopes import ADMIN, CONFIG_READ_SENSITIVE


class TenantKeys(Protocol):
    """Anything that carries an integration's tenant keys: a row, or a mapped class's columns."""

    tenant: Any
    client: Any
    connector: Any
    partner_tenant: Any


@dataclass(frozen=True)
class Principal:
    """The authenticated caller: who it is, what it may do and which tenants it may see."""

    identity: str
    scopes: frozenset[str]
    tenants: frozenset[str]
    clients: frozenset[str]
    partner_tenants: frozenset[str]
    expires_at: int

    @property
    def is_admin(self) -> bool:
        return ADMIN in self.scopes

    @property
    def sight(self) -> tuple:
        """Return what decides which rows and values this caller sees (equal for equal sight)."""
        if self.is_admin:
            return (True, self.may_read_sensitive())
        return (False, self.may_read_sensitive(), self.tenants, self.clients, self.partner_tenants)

    def may_read_sensitive(self) -> bool:
        """Tell whether sensitive values may be shown to this caller in plain text."""
        return CONFIG_READ_SENSITIVE in self.scopes

    def may_see(self, keys: TenantKeys) -> bool:
        """Tell whether an integration with these keys is within the caller's claims."""
        return (
            self.is_admin
            or keys.tenant in self.tenants
            or keys.client in self.clients
            or f"{keys.connector}:{keys.partner_tenant}" in self.partner_tenants
        )


def visible_to(principal: Principal, table: type[TenantKeys]) -> ColumnElement[bool]:
    """Return the SQL condition for the rows of `table` that `principal` may see."""
    if principal.is_admin:
        return true()
    pairs = [entry.split(":", 1) for entry in principal.partner_tenants if ":" in entry]
    conditions = [
        *([table.tenant.in_(principal.tenants)] if principal.tenants else []),
        *([table.client.in_(principal.clients)] if principal.clients else []),
        *(and_(table.connector == c, table.partner_tenant == p) for c, p in pairs),
    ]
    return or_(*conditions) if conditions else false()
