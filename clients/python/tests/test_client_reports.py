"""Applied-version reports: what the connector applied, as the service's instance list shows it."""

from __future__ import annotations

import pytest
import requests
from partners import CONNECTOR

pytestmark = pytest.mark.slow


@pytest.fixture
def reports_route(service) -> None:
    """Skip unless the service has the applied-version routes (built on the `instances` branch)."""
    paths = requests.get(service.url("/openapi.json"), timeout=10).json()["paths"]
    if not any(path.startswith("/connectors/") and "/instances/" in path for path in paths):
        pytest.skip("the service has no PUT .../instances/{instance} route yet (branch instances)")


@pytest.mark.usefixtures("reports_route")
def test_an_applied_version_shows_in_the_instance_list(connect, partner):
    partner.set("messageLogEnabled", "true")
    client = connect(instance="eu-west-1.worker-7")
    result = client.get(CONNECTOR, partner.id)

    client.report(CONNECTOR, partner.id, result.etag)
    client.report(CONNECTOR, partner.id, result.etag, "rejected", "no O Series URL", "eu-2")

    listed = partner.admin.call("GET", f"/tenantintegrations/{partner.integration['id']}/instances")
    assert listed.status_code == 200, listed.text
    entries = {entry["instance"]: entry for entry in listed.json()["content"]}
    assert entries["eu-west-1.worker-7"]["status"] == "applied"
    assert entries["eu-west-1.worker-7"]["latest"] is True
    assert entries["eu-2"]["status"] == "rejected"
    assert entries["eu-2"]["reason"] == "no O Series URL"
