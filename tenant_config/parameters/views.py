"""/connectors/{connector}/parameters and /connectors/{connector}/parameters/{name}."""

from __future__ import annotations

from flask import Response, url_for
from flask.views import MethodView

from tenant_config.parameters import service
from tenant_config.parameters.schemas import (
    EXAMPLE,
    ChangeArgsSchema,
    ParameterChangeSchema,
    ParameterListArgsSchema,
    ParameterPageSchema,
    ParameterSchema,
    ParameterVersionListArgsSchema,
    ParameterVersionPageSchema,
    ParameterWriteSchema,
)
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
from tenant_config.platform.reasons import HEADER_DOC as REASON_HEADER_DOC
from tenant_config.platform.reasons import change_reason
from tenant_config.platform.schemas import ExpectedVersionSchema
from tenant_config.platform.scopes import ADMIN, CONFIG_READ, VERSION_READ

blp = Blueprint(
    "parameters",
    __name__,
    url_prefix="/connectors/<string(maxlength=255):connector>/parameters",
    description="The parameters a connector understands: types, constraints, defaults.",
)


@blp.route("")
class Parameters(MethodView):
    @protected(blp, CONFIG_READ)
    @conditional_page
    @blp.arguments(ParameterListArgsSchema, location="query", error_status_code=400)
    @blp.response(200, ParameterPageSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict, connector: str):
        """List a connector's parameter definitions."""
        return service.list_parameters(connector=connector, args=args).to_dict()

    @protected(blp, ADMIN)
    @blp.arguments(ChangeArgsSchema, location="query", error_status_code=400)
    @blp.arguments(ParameterWriteSchema, example=EXAMPLE)
    @blp.response(201, ParameterChangeSchema, headers=ETAG_HEADER_DOC)
    @blp.alt_response(200, schema=ParameterChangeSchema, description="A dry run: nothing changed.")
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, args: dict, data: dict, connector: str):
        """Define a parameter of a connector (version 0); `dryRun` shows the configs it refuses."""
        change = service.create_parameter(
            principal=current_principal(),
            connector=connector,
            data=data,
            dry_run=args["dryRun"],
            force=args["force"],
        )
        if change.dry_run:
            return change, 200
        location = url_for("parameters.ParametersByName", connector=connector, name=change.name)
        return change, {**etag_header(change.parameter), "Location": location}


@blp.route("/<string(maxlength=255):name>")
class ParametersByName(MethodView):
    @protected(blp, CONFIG_READ)
    @blp.response(200, ParameterSchema, headers=ETAG_HEADER_DOC)
    @blp.alt_response(304, description="Not Modified: If-None-Match names this version.")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, connector: str, name: str):
        """Read one parameter definition."""
        parameter = service.get_parameter(connector=connector, name=name)
        if not_modified(parameter):
            return Response(status=304, headers=etag_header(parameter))
        return parameter, etag_header(parameter)

    @protected(blp, ADMIN)
    @blp.arguments(ChangeArgsSchema, location="query", error_status_code=400)
    @blp.arguments(ParameterWriteSchema, example=EXAMPLE | {"default": "true", "version": 0})
    @blp.response(200, ParameterChangeSchema, headers=ETAG_HEADER_DOC)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    def put(self, args: dict, data: dict, connector: str, name: str):
        """Replace a definition (If-Match or body `version`); `dryRun` changes nothing."""
        change = service.replace_parameter(
            principal=current_principal(),
            connector=connector,
            name=name,
            data=data,
            expect=Expectation.from_request(data.get("version"), required=True),
            dry_run=args["dryRun"],
            force=args["force"],
        )
        return change, ({} if change.dry_run else etag_header(change.parameter))

    @protected(blp, ADMIN)
    @blp.arguments(ExpectedVersionSchema, required=False)
    @blp.doc(parameters=[REASON_HEADER_DOC])
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    def delete(self, body: dict, connector: str, name: str):
        """Delete a definition: its configs stay, free-form; its history stays."""
        service.delete_parameter(
            principal=current_principal(),
            connector=connector,
            name=name,
            expect=Expectation.from_request(body.get("version"), required=False),
            reason=change_reason(body.get("reason")),
        )


@blp.route("/<string(maxlength=255):name>/versions")
class ParameterVersions(MethodView):
    @protected(blp, VERSION_READ)
    @conditional_page
    @blp.arguments(ParameterVersionListArgsSchema, location="query", error_status_code=400)
    @blp.response(200, ParameterVersionPageSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict, connector: str, name: str):
        """List a parameter definition's versions, newest first (also once it was deleted)."""
        page = service.list_parameter_versions(connector=connector, name=name, args=args)
        return page.to_dict()
