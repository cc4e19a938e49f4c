"""The connector instances of an integration: which lookup answer each applied or rejected."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import Blueprint, current_app
from marshmallow import ValidationError

from tenant_config.instances import service
from tenant_config.instances.models import STATUSES
from tenant_config.instances.schemas import InstanceListArgsSchema
from tenant_config.integrations import service as integrations
from tenant_config.platform.scopes import CONFIG_READ
from tenant_config.ui.access import signed_in
from tenant_config.ui.forms import query_args
from tenant_config.ui.pages import page

bp = Blueprint("instances", __name__)
LISTED_ARGS = ("status", "pageNumber", "pageSize", "pageSort")


@bp.route("/integrations/<uuid:integration_id>/instances")
def index(integration_id: uuid.UUID) -> tuple[str, int]:
    """List the instances that reported for an integration, newest report first."""
    principal = signed_in(CONFIG_READ)
    integration = integrations.get_integration(principal=principal, integration_id=integration_id)
    ttl_hours = current_app.config["TENANT_CONFIG"].instance_report_ttl_hours
    raw = query_args()
    errors: dict = {}
    try:
        args = InstanceListArgsSchema().load(raw)
    except ValidationError as error:
        errors, args = error.messages, None
    found = None
    if args is not None:
        found = service.list_instances(
            principal=principal,
            integration_id=integration.id,
            args=args,
            ttl=timedelta(hours=ttl_hours),
        )
    return page(
        "promote/instances.html",
        block="results",
        integration=integration,
        found=found,
        errors=errors,
        query={key: value for key, value in raw.items() if key in LISTED_ARGS},
        statuses=STATUSES,
        ttl_hours=ttl_hours,
    ), (400 if errors else 200)
