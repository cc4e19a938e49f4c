"""GET /connectors/{connector}/partnertenants/{partnerTenant}/configs."""

from __future__ import annotations

from flask.views import MethodView

from tenant_config.configs.schemas import ConfigPageSchema, LookupArgsSchema
from tenant_config.connectors import service
from tenant_config.connectors.waits import waits_for_change
from tenant_config.platform.api import Blueprint
from tenant_config.platform.auth import current_principal, protected
from tenant_config.platform.encryption.masking import cache_headers
from tenant_config.platform.preconditions import (
    PAGE_ETAG_HEADER_DOC,
    PAGE_NOT_MODIFIED,
    conditional_page,
)
from tenant_config.platform.scopes import CONFIG_READ

blp = Blueprint(
    "connectors",
    __name__,
    url_prefix="/connectors/<string(maxlength=255):connector>",
    description="Connectors look up their configuration by partner tenant.",
)


@blp.route("/partnertenants/<string(maxlength=255):partner_tenant>/configs")
class PartnerTenantConfigs(MethodView):
    @protected(blp, CONFIG_READ)
    @waits_for_change
    @conditional_page
    @blp.arguments(LookupArgsSchema, location="query", error_status_code=400)
    @blp.response(200, ConfigPageSchema, headers=PAGE_ETAG_HEADER_DOC)
    @blp.alt_response(304, description=PAGE_NOT_MODIFIED)
    def get(self, args: dict, connector: str, partner_tenant: str):
        """List the configs a connector keeps for a partner tenant."""
        page = service.lookup_configs(
            principal=current_principal(),
            connector=connector,
            partner_tenant=partner_tenant,
            args=args,
        )
        return page.to_dict(as_of=args.get("asOf")), cache_headers(*page.content)
