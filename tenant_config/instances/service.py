"""Instance reports: which lookup answer each connector instance applied, kept until it expires."""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from marshmallow import ValidationError
from sqlalchemy import delete
from sqlalchemy.exc import IntegrityError

from tenant_config.connectors.cached import answered, lookup_counters
from tenant_config.connectors.lookup import lookup_answer
from tenant_config.connectors.schemas import lookup_query_args
from tenant_config.instances import queries
from tenant_config.instances.models import InstanceReport
from tenant_config.instances.schemas import INSTANCE_PATTERN
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.clock import utcnow
from tenant_config.platform.database import LostRace, retried, transaction
from tenant_config.platform.errors import ValidationFailed
from tenant_config.platform.pagination import Page, paginate
from tenant_config.platform.preconditions import answer_etag
from tenant_config.platform.tenancy import Principal


@dataclass(frozen=True)
class Entry:
    """A report as the API shows it: the row, whether its version is the latest, its expiry."""

    report: InstanceReport
    latest: bool
    expires_at: datetime

    def __getattr__(self, name: str) -> Any:
        return getattr(self.report, name)


def report_instance(
    *,
    principal: Principal,
    connector: str,
    partner_tenant: str,
    instance: str,
    data: Mapping[str, Any],
    ttl: timedelta,
) -> tuple[Entry, bool]:
    """Record what an instance did with a lookup answer; tell whether the entry is new."""
    if not re.fullmatch(INSTANCE_PATTERN, instance) or instance in (".", ".."):
        raise ValidationFailed(
            "Not an instance id.",
            errors={"instance": ["1 to 128 of A-Z a-z 0-9 . _ : - (not '.' or '..')."]},
        )
    integration = queries.partner_integration(
        principal=principal, connector=connector, partner_tenant=partner_tenant
    )
    try:
        args = lookup_query_args(data["query"])
    except ValidationError as error:
        raise ValidationFailed(
            "The query is not one the lookup answers.", errors={"query": error.messages}
        ) from None
    # Read before the answer: a write committed meanwhile leaves these counters behind it, so
    # the entry can only look older than it is, never newer.
    counters = lookup_counters(connector, partner_tenant)
    answer = answered(
        principal=principal,
        connector=connector,
        partner_tenant=partner_tenant,
        query=data["query"].encode(),
        counters=counters,
        produce=lambda: lookup_answer(
            principal=principal, connector=connector, partner_tenant=partner_tenant, args=args
        ),
    )
    current = counters is not None and answer_etag(answer) == data["etag"]
    return _store(
        principal=principal,
        integration_id=integration.id,
        instance=instance,
        data=data,
        counters=counters if current else None,
        ttl=ttl,
    )


@retried
def _store(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    instance: str,
    data: Mapping[str, Any],
    counters: tuple[int, int] | None,
    ttl: timedelta,
) -> tuple[Entry, bool]:
    now = utcnow()
    try:
        with transaction() as session:
            # Shared: a delete of the integration waits, or has happened (404).
            integration = get_integration(
                principal=principal, integration_id=integration_id, lock="share"
            )
            session.execute(
                delete(InstanceReport).where(
                    InstanceReport.integration_id == integration_id,
                    InstanceReport.reported_at < now - ttl,
                )
            )
            report = session.get(InstanceReport, (integration_id, instance), with_for_update=True)
            created = report is None
            if created:
                report = InstanceReport(integration_id=integration_id, instance=instance)
                session.add(report)
            report.etag, report.status = data["etag"], data["status"]
            report.reason, report.query = data["reason"], data["query"]
            report.reported_at, report.reported_by = now, principal.identity
            report.partner_counter, report.connector_counter = counters or (None, None)
            session.flush()
            latest = report.is_latest(queries.current_counters(integration))
    except IntegrityError:
        raise LostRace() from None  # the same instance's first report, twice at once
    return Entry(report, latest, now + ttl), created


def list_instances(
    *, principal: Principal, integration_id: uuid.UUID, args: Mapping[str, Any], ttl: timedelta
) -> Page:
    """Return one page of an integration's instances that reported within `ttl`."""
    integration = get_integration(principal=principal, integration_id=integration_id)
    query = queries.live_reports(integration.id, since=utcnow() - ttl)
    if args.get("status") is not None:
        query = query.where(InstanceReport.status == args["status"])
    page = paginate(
        query, args=args, columns=queries.SORT_COLUMNS, tiebreak=InstanceReport.instance
    )
    counters = queries.current_counters(integration)
    return page.map(lambda row: Entry(row, row.is_latest(counters), row.reported_at + ttl))
