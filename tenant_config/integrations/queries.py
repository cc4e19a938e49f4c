"""Reading integrations as one caller may see them (other packages use these too)."""

from __future__ import annotations

import uuid
from typing import Literal

from sqlalchemy import select

from tenant_config.integrations.models import Integration
from tenant_config.platform.database import db
from tenant_config.platform.errors import NotFound
from tenant_config.platform.tenancy import Principal, visible_to

# Row locks a write takes on PostgreSQL (SQLite locks the whole database instead): "share" keeps
# the integration as it is while configs are written under it (their history copies its names),
# "rename" while its names change, "delete" while it and its configs go.
LOCKS = {"share": {"read": True}, "rename": {"key_share": True}, "delete": {}}
Lock = Literal["share", "rename", "delete"]


def get_integration(
    *, principal: Principal, integration_id: uuid.UUID, lock: Lock | None = None
) -> Integration:
    """Return the integration if it exists and the caller may see it, else raise NotFound.

    A write locks it first, before any config row: the one order every writer takes, so that
    writers wait for each other and never deadlock, and one that waited sees the winner's row.
    """
    query = select(Integration).where(
        Integration.id == integration_id, visible_to(principal, Integration)
    )
    if lock is not None:
        query = query.with_for_update(**LOCKS[lock])
    integration = db.session.scalar(query)
    if integration is None:
        raise NotFound("The integration does not exist.")
    return integration
