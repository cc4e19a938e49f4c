"""Tenant isolation: the SQL filter and the in-memory check agree on one table of cases."""

from __future__ import annotations

import uuid
from types import SimpleNamespace

import pytest
from sqlalchemy import select

from tenant_config.integrations.models import Integration
from tenant_config.platform.database import db
from tenant_config.platform.scopes import ADMIN, CONFIG_READ
from tenant_config.platform.tenancy import Principal, visible_to

TENANT, CLIENT, PARTNER = "t-1", "c-1", "pt-1"
CONNECTOR = "BIGCOMMERCE_OSERIES"


def principal(*, scopes=(CONFIG_READ,), tenants=(), clients=(), partner_tenants=()) -> Principal:
    return Principal(
        identity="someone",
        scopes=frozenset(scopes),
        tenants=frozenset(tenants),
        clients=frozenset(clients),
        partner_tenants=frozenset(partner_tenants),
        expires_at=0,
    )


# (caller, sees the integration of TENANT/CLIENT/CONNECTOR:PARTNER?)
CASES = {
    "no claims": (principal(), False),
    "its tenant": (principal(tenants=[TENANT]), True),
    "another tenant": (principal(tenants=["t-2"]), False),
    "its client": (principal(clients=[CLIENT]), True),
    "another client": (principal(clients=["c-2"]), False),
    "its partner tenant": (principal(partner_tenants=[f"{CONNECTOR}:{PARTNER}"]), True),
    "partner tenant of another connector": (
        principal(partner_tenants=[f"SAPTAX_OSERIES:{PARTNER}"]),
        False,
    ),
    "partner tenant without connector": (principal(partner_tenants=[PARTNER]), False),
    "tenant claim naming the client": (principal(tenants=[CLIENT]), False),
    "one claim of several matches": (principal(tenants=["t-2"], clients=[CLIENT]), True),
    "administrator": (principal(scopes=(CONFIG_READ, ADMIN)), True),
}


def keys(suffix: str = "") -> dict[str, str]:
    return {
        "tenant": TENANT + suffix,
        "client": CLIENT + suffix,
        "connector": CONNECTOR,
        "partner_tenant": PARTNER + suffix,
    }


@pytest.mark.parametrize(("caller", "sees"), CASES.values(), ids=CASES.keys())
def test_in_memory_check(caller, sees):
    assert caller.may_see(SimpleNamespace(**keys())) is sees


@pytest.fixture
def stored(app):
    """One integration with the table's keys, made unique per test by a suffix on each key."""
    suffix = f"-{uuid.uuid4().hex[:8]}"
    with app.app_context():
        integration = Integration(name="n", **keys(suffix))
        integration.stamp("test")
        db.session.add(integration)
        db.session.commit()
        yield integration.id, suffix
        db.session.delete(db.session.get(Integration, integration.id))
        db.session.commit()


@pytest.mark.parametrize(("caller", "sees"), CASES.values(), ids=CASES.keys())
def test_sql_filter(app, stored, caller, sees):
    integration_id, suffix = stored

    def suffixed(values):
        return [value + suffix for value in values]

    # The same claims, pointed at this test's own keys.
    caller = principal(
        scopes=caller.scopes,
        tenants=suffixed(caller.tenants),
        clients=suffixed(caller.clients),
        partner_tenants=suffixed(caller.partner_tenants),
    )
    with app.app_context():
        found = db.session.scalars(
            select(Integration.id).where(
                Integration.id == integration_id, visible_to(caller, Integration)
            )
        ).all()
    assert (found == [integration_id]) is sees
