"""The tenant_configs table."""

from __future__ import annotations

import uuid

from sqlalchemy import ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tenant_config.database import Audited, db
from tenant_config.encryption.column import VALUE_MAX_LENGTH, SensitiveValue
from tenant_config.integrations.models import Integration

__all__ = ["DESCRIPTION_MAX_LENGTH", "VALUE_MAX_LENGTH", "Config"]
DESCRIPTION_MAX_LENGTH = 1024


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
    @property
    def client(self) -> str:
        return self.integration.client

    @property
    def client_name(self) -> str | None:
        return self.integration.client_name

    @property
    def tenant(self) -> str:
        return self.integration.tenant

    @property
    def tenant_name(self) -> str | None:
        return self.integration.tenant_name

    @property
    def partner_tenant(self) -> str:
        return self.integration.partner_tenant

    @property
    def partner_tenant_name(self) -> str | None:
        return self.integration.partner_tenant_name

    @property
    def integration_name(self) -> str:
        return self.integration.name

    @property
    def connector(self) -> str:
        return self.integration.connector
