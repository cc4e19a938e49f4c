"""The machine-to-machine lookup: the configs a connector keeps for one partner tenant."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from tenant_config.config_versions import as_of
from tenant_config.configs import queries
from tenant_config.configs.models import Config
from tenant_config.connectors.catalog import known_connectors
from tenant_config.integrations.models import Integration
from tenant_config.platform.encryption.masking import shown_to
from tenant_config.platform.errors import NotFound
from tenant_config.platform.pagination import Page, paginate
from tenant_config.platform.tenancy import Principal, visible_to


def lookup_configs(
    *, principal: Principal, connector: str, partner_tenant: str, args: Mapping[str, Any]
) -> Page:
    """Return one page of the configs a connector keeps for a partner tenant."""
    if connector not in known_connectors():
        raise NotFound("The connector does not exist.")
    if args.get("asOf") is not None:
        return as_of.lookup_at(
            principal=principal, connector=connector, partner_tenant=partner_tenant, args=args
        )
    query = (
        select(Config)
        .join(Config.integration)
        .where(Integration.connector == connector, Integration.partner_tenant == partner_tenant)
        .where(visible_to(principal, Integration))
    )
    page = paginate(
        queries.filtered(query, args), args=args, columns=queries.SORT_COLUMNS, tiebreak=Config.id
    )
    return page.map(lambda config: shown_to(principal, config))
