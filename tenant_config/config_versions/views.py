"""GET /tenantintegrations/{ti}/configs/versions."""

from __future__ import annotations

import uuid

from flask.views import MethodView

from tenant_config.config_versions import service
from tenant_config.config_versions.schemas import (
    ConfigVersionListArgsSchema,
    ConfigVersionPageSchema,
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

blp = Blueprint(
    "config_versions",
    __name__,
    url_prefix="/tenantintegrations/<uuid:integration_id>/configs/versions",
    description="The append-only history of an integration's configs.",
)


@blp.route("")
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
