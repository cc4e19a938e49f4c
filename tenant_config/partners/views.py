"""GET /connectors/{connector}/partnertenants/{partnerTenant}/configs."""

from __future__ import annotations

from flask.views import MethodView

from tenant_config.api import Blueprint
from tenant_config.auth import CONFIG_READ, current_principal, protected
from tenant_config.configs import service
from tenant_config.configs.schemas import ConfigListArgsSchema, ConfigPageSchema

blp = Blueprint(
    "partners",
    __name__,
    url_prefix="/connectors/<string(maxlength=255):connector>/partnertenants",
    description="Connectors look up their configuration by partner tenant.",
)


@blp.route("/<string(maxlength=255):partner_tenant>/configs")
class PartnerTenantConfigs(MethodView):
    @protected(blp, CONFIG_READ)
    @blp.arguments(ConfigListArgsSchema, location="query", error_status_code=400)
    @blp.response(200, ConfigPageSchema)
    def get(self, args: dict, connector: str, partner_tenant: str):
        """List the configs a connector keeps for a partner tenant."""
        return service.lookup_configs(
            principal=current_principal(),
            connector=connector,
            partner_tenant=partner_tenant,
            args=args,
        ).to_dict()
