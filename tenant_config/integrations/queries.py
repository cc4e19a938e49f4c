"""Reading integrations as one caller may see them (other packages use these too)."""

from __future__ import annotations

import uuid

from sqlalchemy import select

from tenant_config.integrations.models import Integration
from tenant_config.platform.database import db
from tenant_config.platform.errors import NotFound
from tenant_config.platform.tenancy import Principal, visible_to


def get_integration(*, principal: Principal, integration_id: uuid.UUID) -> Integration:
    """Return the integration if it exists and the caller may see it, else raise NotFound."""
    integration = db.session.scalar(
        select(Integration).where(
            Integration.id == integration_id, visible_to(principal, Integration)
        )
    )
    if integration is None:
        raise NotFound("The integration does not exist.")
    return integration
