"""The integration_instances table: the last report of each connector instance."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import BigInteger, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from tenant_config.platform.database import db

APPLIED, REJECTED = "applied", "rejected"
STATUSES = (APPLIED, REJECTED)
INSTANCE_MAX_LENGTH = 128
REASON_MAX_LENGTH = 1000
QUERY_MAX_LENGTH = 2048


class InstanceReport(db.Model):
    """What one instance of a connector last said it did with the lookup's answer."""

    __tablename__ = "integration_instances"

    integration_id: Mapped[uuid.UUID] = mapped_column(
        ForeignKey("tenant_integrations.id", ondelete="CASCADE"), primary_key=True
    )
    instance: Mapped[str] = mapped_column(String(INSTANCE_MAX_LENGTH), primary_key=True)
    etag: Mapped[str]  # the opaque tag, without quotes
    status: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(String(REASON_MAX_LENGTH))
    query: Mapped[str] = mapped_column(String(QUERY_MAX_LENGTH))
    reported_at: Mapped[datetime]
    reported_by: Mapped[str]
    # The change counters of the answer reported, when it was the current one (else NULL):
    # it is still the latest while the partner tenant's and the connector's stand still.
    partner_counter: Mapped[int | None] = mapped_column(BigInteger)
    connector_counter: Mapped[int | None] = mapped_column(BigInteger)

    def is_latest(self, counters: tuple[int, int]) -> bool:
        """Tell whether nothing the answer depends on changed since the version applied."""
        return (self.partner_counter, self.connector_counter) == counters
