"""The tenant_configs table."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenant_config.integrations.models import Integration
from tenant_config.platform.database import Audited, db
from tenant_config.platform.encryption.column import SensitiveValue
from tenant_config.platform.sizes import DESCRIPTION_MAX_LENGTH


def _from_integration(attribute: str) -> property:
    """Expose one of the integration's fields on the config, read-only."""
    return property(lambda config: getattr(config.integration, attribute))


class Config(SensitiveValue, Audited, db.Model):
    """One configuration parameter of an integration."""

    __tablename__ = "tenant_configs"

    integration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenant_integrations.id", ondelete="RESTRICT"), nullable=False
    )
    group: Mapped[str] = mapped_column("group_name")
    name: Mapped[str]
    label: Mapped[str | None]
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
    sensitive: Mapped[bool] = mapped_column(default=False)

    integration: Mapped[Integration] = relationship(lazy="joined", innerjoin=True)

    __table_args__ = (
        UniqueConstraint("integration_id", "name", name="uq_config_integration_name"),
        Index("ix_config_integration_group", "integration_id", "group_name"),
        Index("ix_config_integration_updated", "integration_id", "updated_at", "id"),
    )

    @property
    def secret_owner(self) -> uuid.UUID:
        if self.id is None:
            self.id = uuid.uuid4()  # a ciphertext is bound to the id, so it is needed first
        return self.id

    # The integration's fields, as the spec's TenantConfig carries them.
    client = _from_integration("client")
    client_name = _from_integration("client_name")
    tenant = _from_integration("tenant")
    tenant_name = _from_integration("tenant_name")
    partner_tenant = _from_integration("partner_tenant")
    partner_tenant_name = _from_integration("partner_tenant_name")
    integration_name = _from_integration("name")
    connector = _from_integration("connector")
