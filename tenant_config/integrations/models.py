"""The tenant_integrations table."""

from __future__ import annotations

from sqlalchemy import Index, UniqueConstraint
from sqlalchemy.orm import Mapped

from tenant_config.platform.database import Audited, db


class Integration(Audited, db.Model):
    """A tenant's integration with a partner system through one connector."""

    __tablename__ = "tenant_integrations"

    name: Mapped[str]
    client: Mapped[str]
    client_name: Mapped[str | None]
    tenant: Mapped[str]
    tenant_name: Mapped[str | None]
    partner_tenant: Mapped[str]
    partner_tenant_name: Mapped[str | None]
    connector: Mapped[str]

    __table_args__ = (
        # The machine lookup is keyed by (connector, partnerTenant): one integration each.
        UniqueConstraint("connector", "partner_tenant", name="uq_integration_connector_partner"),
        Index("ix_integration_tenant", "tenant"),
        Index("ix_integration_client", "client"),
        Index("ix_integration_name", "name"),
        Index("ix_integration_partner_tenant", "partner_tenant"),
        Index("ix_integration_updated", "updated_at", "id"),
    )
