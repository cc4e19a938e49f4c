"""Fixtures for platform tests."""

from __future__ import annotations

import pytest

from tests.support.forge import FakeIdP
from tests.support.tokens import generate_key


@pytest.fixture
def world(integration, new_config) -> dict:
    config = new_config()
    return {
        "integration": integration,
        "values": {
            "integration_id": integration["id"],
            "config_id": config["id"],
            "connector": integration["connector"],
            "partner_tenant": integration["partnerTenant"],
            "name": "messageLogEnabled",  # a shipped connector's parameter
            "filename": "swagger-ui.css",
            "version": "0",
            "instance": "worker-1",
        },
    }


@pytest.fixture(scope="module")
def k1():
    """The fake identity provider's first signing key."""
    return generate_key("idp-k1")


@pytest.fixture(scope="module")
def k2():
    """A second key, for rotations."""
    return generate_key("idp-k2")


@pytest.fixture
def idp(k1):
    """A fake identity provider on 127.0.0.1 that publishes `k1`."""
    server = FakeIdP([k1])
    yield server
    server.close()
