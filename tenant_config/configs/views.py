"""/tenantintegrations/{ti}/configs and /tenantintegrations/{ti}/configs/{config}."""

from __future__ import annotations

import uuid

from flask import Response, url_for
from flask.views import MethodView

from tenant_config.configs import patch, restore, service, validation
from tenant_config.configs.schemas import (
    ANSWER_EXAMPLE,
    EXAMPLE,
    ConfigListArgsSchema,
    ConfigPageSchema,
    ConfigPatchSchema,
    ConfigSchema,
    ConfigWriteSchema,
    RestoreSchema,
    ValidationReportSchema,
)
from tenant_config.platform.api import MERGE_PATCH, Blueprint
from tenant_config.platform.auth import current_principal, protected
from tenant_config.platform.encryption.masking import cache_headers
from tenant_config.platform.openapi_docs import CONFIG_CREATED_LINKS
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
from tenant_config.platform.scopes import CONFIG_READ, CONFIG_WRITE

blp = Blueprint(
    "configs",
    __name__,
    url_prefix="/tenantintegrations/<uuid:integration_id>/configs",
    description="Configuration parameters of an integration, versioned and locked.",
)


@blp.route("")
class Configs(MethodView):
    @protected(blp, CONFIG_READ)
    @conditional_page
    @blp.arguments(ConfigListArgsSchema, location="query", error_status_code=400)
    @blp.response(200, ConfigPageSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict, integration_id: uuid.UUID):
        """List an integration's configs."""
        page = service.list_configs(
            principal=current_principal(), integration_id=integration_id, args=args
        )
        return page.to_dict(as_of=args.get("asOf")), cache_headers(*page.content)

    @protected(blp, CONFIG_WRITE)
    @blp.arguments(ConfigWriteSchema, example=EXAMPLE)
    @blp.response(201, ConfigSchema, headers=ETAG_HEADER_DOC)
    @blp.doc(responses={201: {"links": CONFIG_CREATED_LINKS}})
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    def post(self, data: dict, integration_id: uuid.UUID):
        """Create a config (version 0)."""
        config = service.create_config(
            principal=current_principal(), integration_id=integration_id, data=data
        )
        location = url_for(
            "configs.ConfigsById", integration_id=integration_id, config_id=config.id
        )
        return config, {**etag_header(config), **cache_headers(config), "Location": location}


@blp.route("/validation")
class ConfigValidation(MethodView):
    @protected(blp, CONFIG_READ)
    @conditional_page
    @blp.response(200, ValidationReportSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, integration_id: uuid.UUID):
        """Report the required parameters an integration lacks and its configs that fail."""
        return validation.validation_report(
            principal=current_principal(), integration_id=integration_id
        )


@blp.route("/<uuid:config_id>")
class ConfigsById(MethodView):
    @protected(blp, CONFIG_READ)
    @blp.response(200, ConfigSchema, headers=ETAG_HEADER_DOC, example=ANSWER_EXAMPLE)
    @blp.alt_response(304, description="Not Modified: If-None-Match names this version.")
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, integration_id: uuid.UUID, config_id: uuid.UUID):
        """Read a config."""
        config = service.get_config(
            principal=current_principal(), integration_id=integration_id, config_id=config_id
        )
        if not_modified(config):
            return Response(status=304, headers=etag_header(config))
        return config, {**etag_header(config), **cache_headers(config)}

    @protected(blp, CONFIG_WRITE)
    @blp.arguments(ConfigWriteSchema, example=EXAMPLE | {"value": "false", "version": 2})
    @blp.response(200, ConfigSchema, headers=ETAG_HEADER_DOC)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    def put(self, data: dict, integration_id: uuid.UUID, config_id: uuid.UUID):
        """Replace a config (If-Match or body `version` required)."""
        config = service.update_config(
            principal=current_principal(),
            integration_id=integration_id,
            config_id=config_id,
            data=data,
            expect=Expectation.from_request(data.get("version"), required=True),
        )
        return config, {**etag_header(config), **cache_headers(config)}

    @protected(blp, CONFIG_WRITE)
    @blp.arguments(ConfigPatchSchema, content_type=MERGE_PATCH, example={"value": "false"})
    @blp.response(200, ConfigSchema, headers=ETAG_HEADER_DOC)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    def patch(self, data: dict, integration_id: uuid.UUID, config_id: uuid.UUID):
        """Change some of a config's fields: an RFC 7396 merge patch (preconditions as PUT)."""
        config = patch.patch_config(
            principal=current_principal(),
            integration_id=integration_id,
            config_id=config_id,
            patch=data,
            expect=Expectation.from_request(data.get("version"), required=True),
        )
        return config, {**etag_header(config), **cache_headers(config)}

    @protected(blp, CONFIG_WRITE)
    @blp.arguments(ExpectedVersionSchema, required=False)
    @blp.doc(parameters=[REASON_HEADER_DOC])
    @blp.response(204)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    def delete(self, body: dict, integration_id: uuid.UUID, config_id: uuid.UUID):
        """Delete a config; its history stays."""
        service.delete_config(
            principal=current_principal(),
            integration_id=integration_id,
            config_id=config_id,
            expect=Expectation.from_request(body.get("version"), required=False),
            reason=change_reason(body.get("reason")),
        )


@blp.route("/<uuid:config_id>/restore")
class ConfigRestore(MethodView):
    @protected(blp, CONFIG_WRITE)
    @blp.arguments(RestoreSchema, example={"version": 1, "reason": "Back to the tested value"})
    @blp.response(200, ConfigSchema, headers=ETAG_HEADER_DOC)
    @blp.alt_response(404, response="NOT_FOUND")
    @blp.alt_response(409, response="CONFLICT")
    @blp.alt_response(412, response="PRECONDITION_FAILED")
    @blp.alt_response(428, response="PRECONDITION_REQUIRED")
    def post(self, data: dict, integration_id: uuid.UUID, config_id: uuid.UUID):
        """Make a past version the latest (If-Match or `expectedVersion`), or undelete."""
        config = restore.restore_config(
            principal=current_principal(),
            integration_id=integration_id,
            config_id=config_id,
            version=data["version"],
            expect=Expectation.from_request(data["expected_version"], required=True),
            reason=data["reason"],
        )
        return config, {**etag_header(config), **cache_headers(config)}
