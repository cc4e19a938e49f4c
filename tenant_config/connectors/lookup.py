"""The machine-to-machine lookup of a connector's configs for a partner tenant.

As stored (paged in SQL, or as at `asOf`), effective (stored configs merged with the
connector's defaults), and as a typed map of either.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Response, jsonify
from sqlalchemy import Select, select

from tenant_config.config_versions import as_of
from tenant_config.configs import queries as config_queries
from tenant_config.configs.models import Config
from tenant_config.connectors import effective, queries
from tenant_config.connectors.schemas import LookupConfigPageSchema
from tenant_config.integrations.models import Integration
from tenant_config.parameters.queries import definitions_of
from tenant_config.platform.database import db
from tenant_config.platform.encryption.masking import cache_headers, shown_to
from tenant_config.platform.pagination import MAX_PAGE_NUMBER, Page, paginate
from tenant_config.platform.tenancy import Principal, visible_to

LOOKUP_PAGE = LookupConfigPageSchema()  # built once: the hot path dumps with it on every call


@dataclass(frozen=True)
class ConfigMap:
    """A lookup as `{group: {name: typed value}}`, and the rows it was made of (for caching)."""

    values: dict[str, dict[str, Any]]
    rows: list[Any]


def lookup_answer(
    *, principal: Principal, connector: str, partner_tenant: str, args: Mapping[str, Any]
) -> Response:
    """Return the lookup's 200 answer as sent, before its ETag (a hash of it) is set."""
    where = {"connector": connector, "partner_tenant": partner_tenant, "args": args}
    if args["format"] == "map":
        answer = lookup_map(principal=principal, **where)
        return _answer(answer.values, answer.rows)
    page = lookup_configs(principal=principal, **where)
    return _answer(LOOKUP_PAGE.dump(page.to_dict(as_of=args.get("asOf"))), page.content)


def _answer(body: Any, rows: list[Any]) -> Response:
    response = jsonify(body)
    response.headers.update(cache_headers(*rows))
    return response


def lookup_configs(
    *, principal: Principal, connector: str, partner_tenant: str, args: Mapping[str, Any]
) -> Page:
    """Return one page of the configs a connector keeps for a partner tenant, or effective ones."""
    if args.get("effective"):
        rows = _effective_rows(principal, connector, partner_tenant, args)
        return effective.sorted_page(rows, args)
    if args.get("asOf") is not None:
        queries.get_connector(connector)
        return as_of.lookup_at(
            principal=principal, connector=connector, partner_tenant=partner_tenant, args=args
        )
    query = config_queries.filtered(_stored(principal, connector, partner_tenant), args)
    page = paginate(query, args=args, columns=config_queries.SORT_COLUMNS, tiebreak=Config.id)
    if not page.total:
        _known(connector)
    return page.map(lambda config: shown_to(principal, config))


def lookup_map(
    *, principal: Principal, connector: str, partner_tenant: str, args: Mapping[str, Any]
) -> ConfigMap:
    """Return the configs a connector keeps for a partner tenant, or effective ones, typed."""
    if args.get("effective"):
        rows = _effective_rows(principal, connector, partner_tenant, args)
    elif args.get("asOf") is not None:
        # Every row at once: a map is not paged (the arguments refuse paging with it).
        queries.get_connector(connector)
        everything = {**args, "pageSize": MAX_PAGE_NUMBER, "pageNumber": 0, "pageSort": ["name"]}
        rows = as_of.lookup_at(
            principal=principal, connector=connector, partner_tenant=partner_tenant, args=everything
        ).content
    else:
        query = config_queries.filtered(_stored(principal, connector, partner_tenant), args)
        rows = [shown_to(principal, config) for config in db.session.scalars(query)]
        if not rows:
            _known(connector)
    return ConfigMap(effective.typed_map(rows, definitions_of(connector)), rows)


def _known(connector: str) -> None:
    """Tell an unknown connector (404) from an empty answer; asked only when nothing was found.

    Found configs prove the connector known (integrations name only known ones), so the hot
    path spends no round trip on the catalog.
    """
    queries.get_connector(connector)


def _stored(principal: Principal, connector: str, partner_tenant: str) -> Select:
    return (
        select(Config)
        .join(Config.integration)
        .where(Integration.connector == connector, Integration.partner_tenant == partner_tenant)
        .where(visible_to(principal, Integration))
    )


def _effective_rows(
    principal: Principal, connector: str, partner_tenant: str, args: Mapping[str, Any]
) -> list[Any]:
    integration = db.session.scalar(
        select(Integration)
        .where(Integration.connector == connector, Integration.partner_tenant == partner_tenant)
        .where(visible_to(principal, Integration))
    )
    if integration is None:
        _known(connector)
        return []  # as for an unknown partner tenant: defaults say nothing about someone else's
    configs = db.session.scalars(select(Config).where(Config.integration_id == integration.id))
    rows = effective.matching(
        effective.merged(configs, definitions_of(connector), integration), args
    )
    # Only the rows answered are shaped: a filtered-out secret is never decrypted.
    return [row if isinstance(row, effective.Default) else _shown(principal, row) for row in rows]


def _shown(principal: Principal, config: Config) -> effective.Stored:
    return effective.Stored(shown_to(principal, config))
