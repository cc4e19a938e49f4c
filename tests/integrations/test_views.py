"""Integrations: CRUD, fixed identity fields, claims on create, cascade delete."""

from __future__ import annotations

import uuid

import pytest

NAMES = {"name": "renamed", "clientName": "New Co", "tenantName": "New T", "partnerTenantName": "P"}


def fields_of(integration: dict) -> dict:
    keys = ("name", "client", "clientName", "tenant", "tenantName", "partnerTenant")
    return {k: integration[k] for k in (*keys, "partnerTenantName", "connector")}


def test_create_read_and_list(client, headers, integration):
    assert integration["version"] == 0
    response = client.get(f"/tenantintegrations/{integration['id']}", headers=headers)
    assert response.status_code == 200
    assert response.get_json() == integration
    listed = client.get("/tenantintegrations", headers=headers).get_json()
    assert listed["content"] == [integration]
    assert listed["page"] == {"number": 0, "size": 20, "totalElements": 1, "totalPages": 1}


def test_create_sets_location_and_etag(client, headers, tenant):
    body = {
        "name": "n",
        "client": str(uuid.uuid4()),
        "tenant": tenant,
        "partnerTenant": "pt-1-" + uuid.uuid4().hex,
        "connector": "ARIBA2_OSERIES",
    }
    response = client.post("/tenantintegrations", json=body, headers=headers)
    assert response.status_code == 201
    created = response.get_json()
    assert response.headers["Location"] == f"/tenantintegrations/{created['id']}"
    assert response.headers["ETag"]
    assert created["clientName"] is None


@pytest.mark.parametrize(
    "change",
    [
        {"connector": "NOT_A_CONNECTOR"},
        {"tenant": "not-a-uuid"},
        {"client": ""},
        {"partnerTenant": ""},
        {"name": "x" * 256},
        {"unknown": "field"},
    ],
)
def test_invalid_integrations_are_422(client, headers, tenant, change):
    body = {
        "name": "n",
        "client": str(uuid.uuid4()),
        "tenant": tenant,
        "partnerTenant": uuid.uuid4().hex,
        "connector": "ARIBA2_OSERIES",
    } | change
    response = client.post("/tenantintegrations", json=body, headers=headers)
    assert response.status_code == 422
    assert set(change) <= set(response.get_json()["errors"])


def test_connector_and_partner_tenant_are_unique(client, headers, integration):
    body = fields_of(integration) | {"name": "second"}
    response = client.post("/tenantintegrations", json=body, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["type"] == "urn:tenant-config:problem:duplicate"


def test_creating_outside_the_token_claims_is_403(client, headers, integration):
    body = fields_of(integration) | {"tenant": str(uuid.uuid4()), "partnerTenant": "elsewhere"}
    response = client.post("/tenantintegrations", json=body, headers=headers)
    assert response.status_code == 403
    assert response.get_json()["type"] == "urn:tenant-config:problem:forbidden"


def test_put_changes_names_with_a_precondition(client, headers, integration):
    url = f"/tenantintegrations/{integration['id']}"
    body = fields_of(integration) | NAMES
    assert client.put(url, json=body, headers=headers).status_code == 428
    response = client.put(url, json=body | {"version": 0}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["version"] == 1
    assert response.get_json()["name"] == "renamed"
    stale = client.put(url, json=body | {"name": "again"}, headers=headers | {"If-Match": '"x"'})
    assert stale.status_code == 412


@pytest.mark.parametrize("field", ["tenant", "client", "partnerTenant", "connector"])
def test_identity_fields_cannot_change(client, headers, integration, field):
    url = f"/tenantintegrations/{integration['id']}"
    value = {"connector": "SAPTAX_OSERIES", "partnerTenant": "moved"}.get(field, str(uuid.uuid4()))
    response = client.put(
        url, json=fields_of(integration) | {field: value, "version": 0}, headers=headers
    )
    assert response.status_code == 422
    assert field in response.get_json()["errors"]
    assert client.get(url, headers=headers).get_json() == integration


def test_configs_show_the_integrations_current_names(client, headers, integration, new_config):
    config = new_config()
    url = f"/tenantintegrations/{integration['id']}"
    client.put(url, json=fields_of(integration) | NAMES | {"version": 0}, headers=headers)
    shown = client.get(f"{url}/configs/{config['id']}", headers=headers).get_json()
    assert shown["integrationName"] == "renamed"
    assert shown["clientName"] == "New Co"


def test_delete_of_an_integration_with_configs_is_409_unless_cascade(
    client, headers, integration, new_config
):
    configs = [new_config(), new_config()]
    url = f"/tenantintegrations/{integration['id']}"
    response = client.delete(url, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["type"] == "urn:tenant-config:problem:integration-not-empty"
    assert client.get(url, headers=headers).status_code == 200

    assert client.delete(f"{url}?cascade=true", headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404
    for config in configs:
        assert client.get(f"{url}/configs/{config['id']}", headers=headers).status_code == 404


def test_delete_of_an_empty_integration(client, headers, integration):
    url = f"/tenantintegrations/{integration['id']}"
    assert client.delete(url, headers=headers | {"If-Match": '"stale"'}).status_code == 412
    assert client.delete(f"{url}?cascade=maybe", headers=headers).status_code == 400
    assert client.delete(url, json={"version": 0}, headers=headers).status_code == 204
    assert client.get(url, headers=headers).status_code == 404


def test_if_none_match_on_an_integration(client, headers, integration):
    url = f"/tenantintegrations/{integration['id']}"
    etag = client.get(url, headers=headers).headers["ETag"]
    assert client.get(url, headers=headers | {"If-None-Match": etag}).status_code == 304
