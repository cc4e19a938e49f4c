"""Connector instances report the lookup answer they applied; integrations list them."""

from __future__ import annotations

import uuid
from datetime import timedelta

from flask import current_app
from flask.views import MethodView

from tenant_config.instances import service
from tenant_config.instances.schemas import (
    EXAMPLE,
    InstanceListArgsSchema,
    InstanceReportPageSchema,
    InstanceReportSchema,
    InstanceReportWriteSchema,
)
from tenant_config.platform.api import Blueprint
from tenant_config.platform.auth import current_principal, protected
from tenant_config.platform.preconditions import (
    PAGE_ETAG_HEADER_DOC,
    PAGE_NOT_MODIFIED,
    conditional_page,
)
from tenant_config.platform.scopes import CONFIG_READ

blp = Blueprint(
    "instances",
    __name__,
    description="Which version of its configuration each running connector instance applied.",
)
LOOKUP = (
    "/connectors/<string(maxlength=255):connector>"
    "/partnertenants/<string(maxlength=255):partner_tenant>"
)


def _ttl() -> timedelta:
    return timedelta(hours=current_app.config["TENANT_CONFIG"].instance_report_ttl_hours)


@blp.route(f"{LOOKUP}/instances/<string:instance>")
class InstanceReports(MethodView):
    @protected(blp, CONFIG_READ)
    @blp.arguments(InstanceReportWriteSchema, example=EXAMPLE)
    @blp.response(200, InstanceReportSchema)
    @blp.alt_response(201, schema=InstanceReportSchema, description="Created: a new instance.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(422, response="UNPROCESSABLE_ENTITY")
    def put(self, data: dict, connector: str, partner_tenant: str, instance: str):
        """Report the lookup answer (ETag) an instance applied or rejected.

        Tenant isolation as the lookup's. `latest` tells whether the ETag was the lookup's
        current one for this caller and `query`, and nothing has changed since. The entry
        expires unless the instance reports again (TENANT_CONFIG_INSTANCE_REPORT_TTL_HOURS).
        """
        entry, created = service.report_instance(
            principal=current_principal(),
            connector=connector,
            partner_tenant=partner_tenant,
            instance=instance,
            data=data,
            ttl=_ttl(),
        )
        return entry, 201 if created else 200


@blp.route("/tenantintegrations/<uuid:integration_id>/instances")
class IntegrationInstances(MethodView):
    @protected(blp, CONFIG_READ)
    @conditional_page
    @blp.arguments(InstanceListArgsSchema, location="query", error_status_code=400)
    @blp.response(200, InstanceReportPageSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict, integration_id: uuid.UUID):
        """List the instances that reported for an integration, with the version each applied."""
        page = service.list_instances(
            principal=current_principal(), integration_id=integration_id, args=args, ttl=_ttl()
        )
        return page.to_dict()
