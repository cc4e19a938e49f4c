"""Fixtures for platform tests."""

from __future__ import annotations

import pytest


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
            "filename": "swagger-ui.css",
            "version": "0",
        },
    }
