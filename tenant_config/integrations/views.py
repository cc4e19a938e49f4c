"""/tenantintegrations and /tenantintegrations/{id}."""

from __future__ import annotations

import uuid

from flask import Response, url_for
from flask.views import MethodView

from tenant_config.integrations import service
from tenant_config.integrations.schemas import (
    EXAMPLE,
    IntegrationDeleteArgsSchema,
    IntegrationListArgsSchema,
    IntegrationPageSchema,
    IntegrationSchema,
    IntegrationWriteSchema,
)
from tenant_config.platform.api import Blueprint
from tenant_config.platform.auth import current_principal, protected
from tenant_config.platform.openapi_docs import INTEGRATION_CREATED_LINKS
from tenant_config.platform.preconditions import (
    ETAG_HEADER_DOC,
    PAGE_ETAG_HEADER_DOC,
    PAGE_NOT_MODIFIED,
    Expectation,
    conditional_page,
    etag_header,
    not_modified,
)
from tenant_config.platform.reasons import HEADER_DOC as REASON_HEADER_DOC
from tenant_config.platform.reasons import change_reason
from tenant_config.platform.schemas import ExpectedVersionSchema
from tenant_config.platform.scopes import INTEGRATION_READ, INTEGRATION_WRITE

blp = Blueprint(
    "integrations",
    __name__,
    url_prefix="/tenantintegrations",
    description="Integrations of a tenant with a partner system through a connector.",
)


@blp.route("")
class Integrations(MethodView):
    @protected(blp, INTEGRATION_READ)
    @conditional_page
    @blp.arguments(IntegrationListArgsSchema, location="query", error_status_code=400)
    @blp.response(200, IntegrationPageSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    def get(self, args: dict):
        """List the integrations the caller may see."""
        return service.list_integrations(principal=current_principal(), args=args).to_dict()

    @protected(blp, INTEGRATION_WRITE)
    @blp.arguments(IntegrationWriteSchema, example=EXAMPLE)
    @blp.response(201, IntegrationSchema, headers=ETAG_HEADER_DOC)
    @blp.doc(responses={201: {"links": INTEGRATION_CREATED_LINKS}})
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data: dict):
        """Create an integration."""
        integration = service.create_integration(principal=current_principal(), data=data)
        location = url_for("integrations.IntegrationsById", integration_id=integration.id)
        return integration, {**etag_header(integration), "Location": location}


@blp.route("/<uuid:integration_id>")
class IntegrationsById(MethodView):
    @protected(blp, INTEGRATION_READ)
    @blp.response(200, IntegrationSchema, headers=ETAG_HEADER_DOC)
    @blp.alt_response(304, description="Not Modified: If-None-Match names this version.")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, integration_id: uuid.UUID):
        """Read an integration."""
        integration = service.get_integration(
            principal=current_principal(), integration_id=integration_id
        )
        if not_modified(integration):
            return Response(status=304, headers=etag_header(integration))
        return integration, etag_header(integration)

    @protected(blp, INTEGRATION_WRITE)
    @blp.arguments(IntegrationWriteSchema, example=EXAMPLE | {"version": 2})
    @blp.response(200, IntegrationSchema, headers=ETAG_HEADER_DOC)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    def put(self, data: dict, integration_id: uuid.UUID):
        """Replace an integration's names (If-Match or body `version` required)."""
        integration = service.update_integration(
            principal=current_principal(),
            integration_id=integration_id,
            data=data,
            expect=Expectation.from_request(data.get("version"), required=True),
        )
        return integration, etag_header(integration)

    @protected(blp, INTEGRATION_WRITE)
    @blp.arguments(IntegrationDeleteArgsSchema, location="query", error_status_code=400)
    @blp.arguments(ExpectedVersionSchema, required=False)
    @blp.doc(parameters=[REASON_HEADER_DOC])
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    def delete(self, args: dict, body: dict, integration_id: uuid.UUID):
        """Delete an integration; `cascade=true` deletes its configs too."""
        service.delete_integration(
            principal=current_principal(),
            integration_id=integration_id,
            expect=Expectation.from_request(body.get("version"), required=False),
            cascade=args["cascade"],
            reason=change_reason(body.get("reason")),
        )
