"""The tenant_config_versions table: one row per change, never updated, never deleted."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tenant_config.platform.database import db
from tenant_config.platform.encryption.column import SensitiveValue
from tenant_config.platform.sizes import DESCRIPTION_MAX_LENGTH, REASON_MAX_LENGTH

CREATE, UPDATE, DELETE, RESTORE = "CREATE", "UPDATE", "DELETE", "RESTORE"
OPERATIONS = (CREATE, UPDATE, DELETE, RESTORE)


class ConfigVersion(SensitiveValue, db.Model):
    """The full state of a config at one version, with the operation that made it."""

    __tablename__ = "tenant_config_versions"

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    tenant_config_id: Mapped[uuid.UUID]  # no foreign key: history outlives the config
    version: Mapped[int]
    operation: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    created_by: Mapped[str]
    updated_by: Mapped[str]
    integration_id: Mapped[uuid.UUID]
    integration_name: Mapped[str]
    client: Mapped[str]
    client_name: Mapped[str | None]
    tenant: Mapped[str]
    tenant_name: Mapped[str | None]
    partner_tenant: Mapped[str]
    partner_tenant_name: Mapped[str | None]
    connector: Mapped[str]
    group: Mapped[str] = mapped_column("group_name")
    name: Mapped[str]
    label: Mapped[str | None]
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX_LENGTH))  # why it changed
    restored_from: Mapped[int | None]  # the version a RESTORE copied

    __table_args__ = (
        UniqueConstraint("tenant_config_id", "version", name="uq_config_version"),
        Index("ix_config_version_integration_group", "integration_id", "group_name"),
        Index("ix_config_version_integration_name", "integration_id", "name"),
        Index("ix_config_version_integration_updated", "integration_id", "updated_at", "id"),
    )

    @property
    def secret_owner(self) -> uuid.UUID:
        return self.tenant_config_id
