"""/connectors, /connectors/{connector} and the lookup under it."""

from __future__ import annotations

from flask import Response
from flask.views import MethodView

from tenant_config.connectors import lookup, service
from tenant_config.connectors.cached import cached_lookup
from tenant_config.connectors.schemas import (
    EXAMPLE,
    LOOKUP_ANSWER_DOC,
    ConnectorListArgsSchema,
    ConnectorLookupArgsSchema,
    ConnectorPageSchema,
    ConnectorSchema,
    ConnectorWriteSchema,
)
from tenant_config.connectors.waits import waits_for_change
from tenant_config.platform.api import Blueprint
from tenant_config.platform.auth import current_principal, protected
from tenant_config.platform.preconditions import (
    ETAG_HEADER_DOC,
    PAGE_ETAG_HEADER_DOC,
    PAGE_NOT_MODIFIED,
    Expectation,
    conditional_page,
    etag_header,
    not_modified,
)
from tenant_config.platform.schemas import ExpectedVersionSchema
from tenant_config.platform.scopes import ADMIN, CONFIG_READ

blp = Blueprint(
    "connectors",
    __name__,
    url_prefix="/connectors",
    description="The connectors the service knows, and their lookup by partner tenant.",
)


@blp.route("")
class Connectors(MethodView):
    @protected(blp, CONFIG_READ)
    @conditional_page
    @blp.arguments(ConnectorListArgsSchema, location="query", error_status_code=400)
    @blp.response(200, ConnectorPageSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    def get(self, args: dict):
        """List the connectors the service knows."""
        return service.list_connectors(args=args).to_dict()


@blp.route("/<string(maxlength=255):connector>")
class ConnectorsByCode(MethodView):
    @protected(blp, CONFIG_READ)
    @blp.response(200, ConnectorSchema, headers=ETAG_HEADER_DOC)
    @blp.alt_response(304, description="Not Modified: If-None-Match names this version.")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, connector: str):
        """Read one connector."""
        found = service.get_connector(code=connector)
        if not_modified(found):
            return Response(status=304, headers=etag_header(found))
        return found, etag_header(found)

    @protected(blp, ADMIN)
    @blp.arguments(ConnectorWriteSchema, example=EXAMPLE)
    @blp.response(200, ConnectorSchema, headers=ETAG_HEADER_DOC)
    @blp.alt_response(201, schema=ConnectorSchema, description="Created: a new connector.")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    def put(self, data: dict, connector: str):
        """Add a connector to the catalog, or replace one (If-Match or `version` to replace)."""
        found, created = service.put_connector(
            principal=current_principal(),
            code=connector,
            data=data,
            expect=Expectation.from_request(data.get("version"), required=True),
        )
        return found, (201 if created else 200), etag_header(found)

    @protected(blp, ADMIN)
    @blp.arguments(ExpectedVersionSchema, required=False)
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    def delete(self, body: dict, connector: str):
        """Remove a connector no integration uses, with its parameter definitions."""
        service.delete_connector(
            principal=current_principal(),
            code=connector,
            expect=Expectation.from_request(body.get("version"), required=False),
        )


LOOKUP = "/<string(maxlength=255):connector>/partnertenants/<string(maxlength=255):partner_tenant>"


@blp.route(f"{LOOKUP}/configs")
class PartnerTenantConfigs(MethodView):
    @protected(blp, CONFIG_READ)
    @waits_for_change
    @conditional_page
    @cached_lookup
    @blp.arguments(ConnectorLookupArgsSchema, location="query", error_status_code=400)
    @blp.response(
        200,
        LOOKUP_ANSWER_DOC,
        description="format=page (the default): a page of configs, each with `source` when "
        'effective=true. format=map: `{"<group>": {"<name>": value}}`, values typed by their '
        "definitions, the whole filtered set.",
        headers=PAGE_ETAG_HEADER_DOC,
    )
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    def get(self, args: dict, connector: str, partner_tenant: str):
        """List the configs a connector keeps for a partner tenant (stored or effective)."""
        return lookup.lookup_answer(
            principal=current_principal(),
            connector=connector,
            partner_tenant=partner_tenant,
            args=args,
        )
