"""Reading instance reports, the integration a connector reports for, and its change counters."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Select, select

from tenant_config.instances.models import InstanceReport
from tenant_config.integrations.models import Integration
from tenant_config.platform.changes import change_counters, lookup_keys
from tenant_config.platform.database import db
from tenant_config.platform.errors import NotFound
from tenant_config.platform.tenancy import Principal, visible_to

SORT_COLUMNS = {
    "instance": InstanceReport.instance,
    "etag": InstanceReport.etag,
    "status": InstanceReport.status,
    "reportedAt": InstanceReport.reported_at,
    "reportedBy": InstanceReport.reported_by,
}


def partner_integration(
    *, principal: Principal, connector: str, partner_tenant: str
) -> Integration:
    """Return the integration a lookup of (connector, partner tenant) reads, if the caller sees it.

    NotFound otherwise, whether it does not exist or is someone else's.
    """
    integration = db.session.scalar(
        select(Integration)
        .where(Integration.connector == connector, Integration.partner_tenant == partner_tenant)
        .where(visible_to(principal, Integration))
    )
    if integration is None:
        raise NotFound("No integration of this connector and partner tenant is yours.")
    return integration


def live_reports(integration_id: uuid.UUID, *, since: datetime) -> Select:
    """Select the integration's reports made at or after `since` (older ones have expired)."""
    return select(InstanceReport).where(
        InstanceReport.integration_id == integration_id, InstanceReport.reported_at >= since
    )


def current_counters(integration: Integration) -> tuple[int, int]:
    """Return the committed change counters of the integration's partner tenant and connector."""
    partner, connector = lookup_keys(integration.connector, integration.partner_tenant)
    rows = dict(
        db.session.execute(
            select(change_counters.c.change_key, change_counters.c.counter).where(
                change_counters.c.change_key.in_((partner, connector))
            )
        ).all()
    )
    return rows.get(partner, 0), rows.get(connector, 0)
