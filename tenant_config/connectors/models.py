"""The connectors table: the catalog of connectors integrations may use."""

from __future__ import annotations

from sqlalchemy import String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from tenant_config.platform.database import Audited, db
from tenant_config.platform.sizes import DESCRIPTION_MAX_LENGTH


class Connector(Audited, db.Model):
    """A connector the service knows; its parameter definitions hang off its code."""

    __tablename__ = "connectors"

    code: Mapped[str]
    display_name: Mapped[str]
    description: Mapped[str | None] = mapped_column(String(DESCRIPTION_MAX_LENGTH))
    # Strict: a config needs a parameter definition of its name; else free-form names pass.
    strict: Mapped[bool] = mapped_column(default=False)

    __table_args__ = (UniqueConstraint("code", name="uq_connector_code"),)
