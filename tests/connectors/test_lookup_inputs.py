"""The connector lookup's path: unknown connectors, odd bytes, and partner tenants that a URL
segment can carry (a `/` is refused when the integration is created)."""

from __future__ import annotations

import uuid
from urllib.parse import quote

import pytest

from tests.support.catalog import own_connector

NOT_FOUND = "urn:tenant-config:problem:not-found"


def lookup_url(connector: str, partner_tenant: str) -> str:
    connector, partner_tenant = quote(connector, safe=""), quote(partner_tenant, safe="")
    return f"/connectors/{connector}/partnertenants/{partner_tenant}/configs"


@pytest.mark.parametrize("connector", ["NOPE", "bigcommerce_oseries", "BIGCOMMERCE_OSERIES "])
def test_an_unknown_connector_is_a_404_problem_not_an_empty_page(
    client, headers, integration, new_config, connector
):
    new_config()
    response = client.get(lookup_url(connector, integration["partnerTenant"]), headers=headers)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    assert response.get_json()["type"] == NOT_FOUND
    assert response.get_json()["detail"] == "The connector does not exist."


def test_a_connector_added_to_the_catalog_is_looked_up_without_a_restart(
    client, make_token, headers
):
    code = f"NEW_{uuid.uuid4().hex[:8].upper()}"
    assert client.get(lookup_url(code, "pt-1"), headers=headers).status_code == 404
    code = own_connector(client, make_token)
    response = client.get(lookup_url(code, "pt-1"), headers=headers)
    assert response.status_code == 200
    assert response.get_json()["content"] == []


@pytest.mark.parametrize("segment", ["connector", "partner_tenant"])
@pytest.mark.parametrize("odd", [b"\x00", b"\xed\xa0\x80", b"\xff"])
def test_odd_bytes_in_the_lookup_path_are_400(client, headers, integration, segment, odd):
    parts = {"connector": integration["connector"], "partner_tenant": integration["partnerTenant"]}
    parts[segment] += odd.decode("latin-1")  # PATH_INFO as a server hands it over
    path = f"/connectors/{parts['connector']}/partnertenants/{parts['partner_tenant']}/configs"
    response = client.get(headers=headers, environ_overrides={"PATH_INFO": path})
    assert response.status_code == 400
    assert response.get_json()["type"] == "urn:tenant-config:problem:bad-request"


@pytest.mark.parametrize("partner_tenant", ["a/b", "/", "a/", "/a", ".", ".."])
def test_a_partner_tenant_a_url_segment_cannot_carry_is_refused_at_creation(
    client, headers, tenant, partner_tenant
):
    body = {
        "name": "n",
        "client": str(uuid.uuid4()),
        "tenant": tenant,
        "partnerTenant": partner_tenant,
        "connector": "BIGCOMMERCE_OSERIES",
    }
    response = client.post("/tenantintegrations", json=body, headers=headers)
    assert response.status_code == 422
    assert "partnerTenant" in response.get_json()["errors"]
    listed = client.get(f"/tenantintegrations?tenant={tenant}", headers=headers)
    assert listed.get_json()["content"] == []


@pytest.mark.parametrize(
    "suffix", ["a b", "x%2Fy", "q?x=1", "h#f", "c:d", "ü€😀", "...", "a.b", "..a", "+", "\\"]
)
def test_every_partner_tenant_that_is_accepted_is_reachable(
    client, headers, new_integration, suffix
):
    partner_tenant = f"{uuid.uuid4().hex[:8]}{suffix}"
    integration = new_integration(partnerTenant=partner_tenant)
    url = f"/tenantintegrations/{integration['id']}/configs"
    config = client.post(url, json={"group": "g", "name": "n"}, headers=headers).get_json()
    response = client.get(lookup_url(integration["connector"], partner_tenant), headers=headers)
    assert response.status_code == 200, response.get_json()
    assert [c["id"] for c in response.get_json()["content"]] == [config["id"]]
