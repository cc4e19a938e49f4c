"""Valid request bodies for integrations and configs; tests override the fields they care about."""

from __future__ import annotations

import uuid


def integration_body(tenant: str, **overrides) -> dict:
    """A valid integration for `tenant` with fresh client and partner tenant ids."""
    return {
        "name": f"integration-{uuid.uuid4().hex[:8]}",
        "client": str(uuid.uuid4()),
        "clientName": "Company B",
        "tenant": tenant,
        "tenantName": "Company B (Europe)",
        "partnerTenant": str(uuid.uuid4()),
        "partnerTenantName": "Partner of B",
        "connector": "BIGCOMMERCE_OSERIES",
    } | overrides


def config_body(**overrides) -> dict:
    """A valid config body."""
    return {
        "group": "messageLogConfigs",
        "name": f"param{uuid.uuid4().hex[:8]}",
        "label": "Enable Message Logging",
        "value": "true",
    } | overrides
