"""The history of an integration's configs, of one config, one version of it, and diffs."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from tenant_config.config_versions import service
from tenant_config.config_versions.schemas import (
    ConfigVersionListArgsSchema,
    ConfigVersionPageSchema,
    ConfigVersionSchema,
    DiffArgsSchema,
    DiffSchema,
    OneConfigVersionListArgsSchema,
)
from tenant_config.platform.api import Blueprint
from tenant_config.platform.auth import current_principal, protected
from tenant_config.platform.encryption.masking import cache_headers
from tenant_config.platform.preconditions import (
    PAGE_ETAG_HEADER_DOC,
    PAGE_NOT_MODIFIED,
    conditional_page,
)
from tenant_config.platform.scopes import VERSION_READ

NO_STORE = {"Cache-Control": "no-store"}

blp = Blueprint(
    "config_versions",
    __name__,
    url_prefix="/tenantintegrations/<uuid:integration_id>/configs",
    description="The append-only history of an integration's configs.",
)


@blp.route("/versions")
class ConfigVersions(MethodView):
    @protected(blp, VERSION_READ)
    @conditional_page
    @blp.arguments(ConfigVersionListArgsSchema, location="query", error_status_code=400)
    @blp.response(200, ConfigVersionPageSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict, integration_id: uuid.UUID):
        """List the version rows of an integration's configs."""
        page = service.list_versions(
            principal=current_principal(), integration_id=integration_id, args=args
        )
        return page.to_dict(), cache_headers(*page.content)


@blp.route("/<uuid:config_id>/versions")
class OneConfigVersions(MethodView):
    @protected(blp, VERSION_READ)
    @conditional_page
    @blp.arguments(OneConfigVersionListArgsSchema, location="query", error_status_code=400)
    @blp.response(200, ConfigVersionPageSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict, integration_id: uuid.UUID, config_id: uuid.UUID):
        """List one config's versions, newest first (also after the config was deleted)."""
        page = service.list_config_versions(
            principal=current_principal(),
            integration_id=integration_id,
            config_id=config_id,
            args=args,
        )
        return page.to_dict(), cache_headers(*page.content)


@blp.route("/<uuid:config_id>/versions/<int:version>")
class OneConfigVersion(MethodView):
    @protected(blp, VERSION_READ)
    @conditional_page
    @blp.response(200, ConfigVersionSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, integration_id: uuid.UUID, config_id: uuid.UUID, version: int):
        """Read a config exactly as it was at one version (its history row)."""
        row = service.get_config_version(
            principal=current_principal(),
            integration_id=integration_id,
            config_id=config_id,
            version=version,
        )
        return row, cache_headers(row)


@blp.route("/<uuid:config_id>/diff")
class ConfigDiff(MethodView):
    @protected(blp, VERSION_READ)
    @conditional_page
    @blp.arguments(DiffArgsSchema, location="query", error_status_code=400)
    @blp.response(200, DiffSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    @blp.alt_response(404, response="NOT_FOUND")
    def get(self, args: dict, integration_id: uuid.UUID, config_id: uuid.UUID):
        """List what differs between two versions of a config (`to`: the latest by default)."""
        answer = service.diff_versions(
            principal=current_principal(),
            integration_id=integration_id,
            config_id=config_id,
            **args,
        )
        return answer, NO_STORE if answer["revealed"] else {}
