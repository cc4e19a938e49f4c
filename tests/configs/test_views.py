"""Configs: create, read, replace, delete, with versions, ETags and preconditions."""

from __future__ import annotations

import uuid

import pytest

from tests.support.urls import configs_url as url


def test_create_answers_201_with_location_etag_and_version_0(client, headers, integration):
    body = {"group": "messageLogConfigs", "name": "messageLogEnabled", "value": "true"}
    response = client.post(url(integration), json=body, headers=headers)
    assert response.status_code == 201
    created = response.get_json()
    assert created["version"] == 0
    assert response.headers["Location"] == f"{url(integration)}/{created['id']}"
    assert response.headers["ETag"].startswith('"')
    assert created["createdAt"] == created["updatedAt"]
    assert created["createdAt"].endswith("Z")
    assert created["createdBy"] == created["updatedBy"] == "user1@companyxyz.com"
    for field in ("client", "clientName", "tenant", "tenantName", "partnerTenant", "connector"):
        assert created[field] == integration[field]
    assert created["integration"] == integration["id"]
    assert created["integrationName"] == integration["name"]
    assert created["sensitive"] is False
    assert client.get(response.headers["Location"], headers=headers).get_json() == created


def test_spec_example_body_with_matching_integration_fields_is_accepted(
    client, headers, integration
):
    body = {
        **{k: integration[k] for k in ("client", "clientName", "tenant", "tenantName")},
        **{k: integration[k] for k in ("partnerTenant", "partnerTenantName", "connector")},
        "integration": integration["id"],
        "integrationName": integration["name"],
        "group": "messageLogConfigs",
        "name": "messageLogEnabled",
        "label": "Enable Message Logging",
        "description": "This parameter is used to control message logging feature",
        "value": "true",
        "sensitive": "false",
    }
    response = client.post(url(integration), json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["sensitive"] is False


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("tenant", str(uuid.uuid4())),
        ("client", str(uuid.uuid4())),
        ("partnerTenant", "another-partner"),
        ("integration", str(uuid.uuid4())),
        ("connector", "SAPTAX_OSERIES"),
        ("integrationName", "another name"),
    ],
)
def test_integration_fields_that_differ_are_422_and_nothing_is_stored(
    client, headers, integration, field, value
):
    body = {"group": "g", "name": "n", "value": "v", field: value}
    response = client.post(url(integration), json=body, headers=headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert field in response.get_json()["errors"]
    listed = client.get(url(integration), headers=headers).get_json()
    assert listed["page"]["totalElements"] == 0


@pytest.mark.parametrize(
    "body",
    [
        {"group": "g", "name": "n", "unknownField": 1},
        {"group": "g", "name": "n", "tenant_id": str(uuid.uuid4())},
        {"group": "g"},
        {"name": "n"},
        {"group": "g", "name": ""},
        {"group": "g", "name": "x" * 256},
        {"group": "g", "name": "n", "description": "d" * 1025},
        {"group": "g", "name": "n", "value": "v" * 8193},
        {"group": "g", "name": "n", "sensitive": "yes"},
        {"group": "g", "name": "n", "sensitive": 1},
        {"group": "g", "name": "nul\x00byte"},
        {"group": "g", "name": "n", "value": 5},
        [],
        "text",
    ],
)
def test_invalid_bodies_are_422_problems(client, headers, integration, body):
    response = client.post(url(integration), json=body, headers=headers)
    assert response.status_code == 422, response.get_json()
    problem = response.get_json()
    assert response.mimetype == "application/problem+json"
    assert problem["status"] == 422
    assert problem["errors"]
    assert client.get(url(integration), headers=headers).get_json()["page"]["totalElements"] == 0


def test_limits_are_inclusive(client, headers, integration):
    body = {"group": "g", "name": "x" * 255, "description": "d" * 1024, "value": "v" * 8192}
    assert client.post(url(integration), json=body, headers=headers).status_code == 201


def test_server_managed_fields_in_a_body_are_ignored(client, headers, integration):
    body = {
        "group": "g",
        "name": "n",
        "id": str(uuid.uuid4()),
        "createdAt": "2000-01-01T00:00:00Z",
        "createdBy": "mallory",
        "updatedBy": "mallory",
        "version": 42,
    }
    created = client.post(url(integration), json=body, headers=headers).get_json()
    assert created["id"] != body["id"]
    assert created["createdBy"] == "user1@companyxyz.com"
    assert created["version"] == 0


def test_duplicate_name_in_an_integration_is_409(client, headers, integration, new_config):
    new_config(name="dup")
    response = client.post(url(integration), json={"group": "g", "name": "dup"}, headers=headers)
    assert response.status_code == 409
    assert response.get_json()["type"] == "urn:tenant-config:problem:duplicate"


def test_same_name_in_two_integrations_is_fine(client, headers, new_integration, integration):
    other = new_integration()
    for target in (integration, other):
        body = {"group": "g", "name": "same"}
        assert client.post(url(target), json=body, headers=headers).status_code == 201


def test_unknown_integration_or_config_is_404(client, headers, integration):
    missing = {"id": str(uuid.uuid4())}
    assert client.get(url(missing), headers=headers).status_code == 404
    assert (
        client.post(url(missing), json={"group": "g", "name": "n"}, headers=headers).status_code
        == 404
    )
    response = client.get(url(integration, missing), headers=headers)
    assert response.status_code == 404
    assert response.get_json()["type"] == "urn:tenant-config:problem:not-found"


def test_a_config_is_not_found_under_another_integration(
    client, headers, new_integration, new_config
):
    config = new_config()
    other = new_integration()
    assert client.get(url(other, config), headers=headers).status_code == 404
