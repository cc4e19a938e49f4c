"""Parameter definitions through the API: read by anyone with config read, written by admins."""

from __future__ import annotations

from tests.support.catalog import admin_headers, define, own_connector


def test_shipped_connectors_list_their_definitions(client, headers):
    url = "/connectors?pageSort=createdAt,ASC&pageSize=100"  # the migration made them first
    listed = client.get(url, headers=headers).get_json()["content"]
    codes = {connector["code"] for connector in listed}
    assert {"BIGCOMMERCE_OSERIES", "SAPTAX_OSERIES", "ARIBA2_OSERIES"} <= codes
    for code in ("BIGCOMMERCE_OSERIES", "SAPTAX_OSERIES", "ARIBA2_OSERIES"):
        connector = client.get(f"/connectors/{code}", headers=headers).get_json()
        assert connector["strict"] is False
        url = f"/connectors/{code}/parameters?pageSize=100"
        definitions = client.get(url, headers=headers).get_json()["content"]
        types = {definition["type"] for definition in definitions}
        assert {"boolean", "secret"} <= types
        assert any(definition["default"] is not None for definition in definitions)


def test_an_admin_defines_replaces_and_deletes_a_parameter(client, make_token, headers):
    code = own_connector(client, make_token)
    created = define(
        client, make_token, code, {"name": "retries", "type": "integer", "minimum": 0, "default": 3}
    )
    assert (created["version"], created["default"], created["minimum"]) == (0, "3", 0)
    assert created["jsonSchema"] == {"type": "integer", "minimum": 0, "default": 3}
    url = f"/connectors/{code}/parameters/retries"
    body = {"group": "settings", "name": "retries", "type": "integer", "maximum": 9, "version": 0}
    replaced = client.put(url, json=body, headers=admin_headers(make_token))
    assert replaced.status_code == 200, replaced.get_json()
    assert (replaced.get_json()["version"], replaced.get_json()["default"]) == (1, None)
    assert client.get(url, headers=headers).get_json()["maximum"] == 9
    gone = client.delete(
        url, headers=admin_headers(make_token) | {"If-Match": replaced.headers["ETag"]}
    )
    assert gone.status_code == 204
    assert client.get(url, headers=headers).status_code == 404


def test_writing_a_definition_needs_the_admin_scope(client, make_token, headers):
    code = own_connector(client, make_token)
    body = {"group": "g", "name": "n", "type": "string"}
    response = client.post(f"/connectors/{code}/parameters", json=body, headers=headers)
    assert response.status_code == 403


def test_an_unsound_definition_is_422_field_by_field(client, make_token):
    code = own_connector(client, make_token)
    body = {"group": "g", "name": "n", "type": "integer", "default": "x", "pattern": "^a"}
    response = client.post(
        f"/connectors/{code}/parameters", json=body, headers=admin_headers(make_token)
    )
    assert response.status_code == 422
    assert set(response.get_json()["errors"]) == {"pattern"}
