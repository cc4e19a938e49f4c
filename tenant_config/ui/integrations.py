"""The integrations pages: the list with search, filters and paging; one integration."""

from __future__ import annotations

import uuid

from flask import Blueprint, request
from marshmallow import ValidationError, validate

from tenant_config.configs import service as configs
from tenant_config.connectors import service as connectors
from tenant_config.integrations import service
from tenant_config.integrations.schemas import IntegrationListArgsSchema
from tenant_config.platform.schemas import Text
from tenant_config.platform.scopes import CONFIG_READ, INTEGRATION_READ
from tenant_config.platform.tenancy import Principal
from tenant_config.ui.access import signed_in
from tenant_config.ui.pages import page

bp = Blueprint("integrations", __name__)
LISTED_ARGS = (
    "search",
    "connector",
    "tenant",
    "partnerTenant",
    "pageNumber",
    "pageSize",
    "pageSort",
)


class ListArgsSchema(IntegrationListArgsSchema):
    """The API's list arguments, and a search over names and keys."""

    search = Text(validate=validate.Length(max=200))


def query_args() -> dict:
    """Return the request's query as a mapping the list schemas load (pageSort repeats)."""
    return {
        key: request.args.getlist(key) if key == "pageSort" else request.args[key]
        for key in request.args
    }


@bp.route("/integrations")
def index() -> tuple[str, int]:
    """List the integrations the user may see, searched and filtered."""
    principal = signed_in(INTEGRATION_READ)
    raw = query_args()
    errors: dict = {}
    try:
        args = ListArgsSchema().load(raw)
    except ValidationError as error:
        errors, args = error.messages, None
    found = service.list_integrations(principal=principal, args=args) if args else None
    catalog = connectors.list_connectors(
        args={"pageSize": 100, "pageNumber": 0, "pageSort": ["code,ASC"]}
    )
    return page(
        "integrations/index.html",
        block="results",
        found=found,
        errors=errors,
        query={k: v for k, v in raw.items() if k in LISTED_ARGS},
        connectors=[connector.code for connector in catalog.content],
    ), (400 if errors else 200)


@bp.route("/integrations/<uuid:integration_id>")
def show(integration_id: uuid.UUID) -> str:
    """Show an integration and its configs, grouped by `group`."""
    principal = signed_in(INTEGRATION_READ)
    integration = service.get_integration(principal=principal, integration_id=integration_id)
    grouped = None
    if CONFIG_READ in principal.scopes:
        grouped = groups(all_configs(principal, integration_id))
    return page("integrations/show.html", integration=integration, groups=grouped)


def all_configs(principal: Principal, integration_id: uuid.UUID) -> list:
    """Return every config of an integration as the user may see it, by group and name."""
    rows, number = [], 0
    while True:
        found = configs.list_configs(
            principal=principal,
            integration_id=integration_id,
            args={"pageSize": 100, "pageNumber": number, "pageSort": ["group,ASC", "name,ASC"]},
        )
        rows += found.content
        number += 1
        if number * found.size >= found.total:
            return rows


def groups(rows: list) -> dict[str, list]:
    """Return `rows` keyed by their group, in order."""
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(row.group, []).append(row)
    return grouped
