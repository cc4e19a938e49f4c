"""GET /tenantintegrations/{ti}/configs/validation: what an integration lacks or breaks."""

from __future__ import annotations

import uuid

from cryptography.fernet import Fernet

from tests.configs.defined import integration_defining, post, redefine
from tests.support.problems import assert_problem, bearer
from tests.support.tokens import ALL_SCOPES
from tests.support.urls import configs_url

USER = {"group": "credentials", "name": "user", "label": "User", "type": "string", "required": True}
TOKEN = {"group": "credentials", "name": "token", "label": "Token", "type": "secret"}
MODE = {"group": "settings", "name": "mode", "type": "enum", "allowedValues": ["A", "B"]}
LIMIT = {"group": "settings", "name": "limit", "type": "integer", "maximum": 100}
PLAINTEXT = "report-Secret-55d0"


def report_url(integration: dict) -> str:
    return f"{configs_url(integration)}/validation"


def report(client, headers, integration) -> dict:
    answer = client.get(report_url(integration), headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_required_parameters_without_config_or_default_are_missing(
    client, headers, make_token, new_integration
):
    integration = integration_defining(
        client,
        make_token,
        new_integration,
        USER,
        TOKEN | {"required": True},
        MODE | {"required": True, "default": "A"},
        LIMIT,
    )
    found = report(client, headers, integration)
    assert found == {
        "integration": integration["id"],
        "connector": integration["connector"],
        "strict": False,
        "valid": False,
        "missing": [
            {"group": "credentials", "name": "token", "label": "Token"},
            {"group": "credentials", "name": "user", "label": "User"},
        ],
        "invalid": [],
    }
    post(client, headers, integration, name="user", value="me")
    post(client, headers, integration, name="token", value=PLAINTEXT)
    found = report(client, headers, integration)
    assert (found["valid"], found["missing"], found["invalid"]) == (True, [], [])


def test_stored_values_a_changed_definition_refuses_are_invalid_without_values(
    client, headers, sensitive_headers, make_token, new_integration
):
    integration = integration_defining(
        client, make_token, new_integration, LIMIT, TOKEN, USER | {"required": False}
    )
    limit = post(client, headers, integration, name="limit", value="50").get_json()
    token = post(client, headers, integration, name="token", value=PLAINTEXT).get_json()
    post(client, headers, integration, name="user", value="fine")
    post(client, headers, integration, group="free", name="free", value="anything")
    assert report(client, headers, integration)["valid"] is True
    connector = integration["connector"]
    redefine(client, make_token, connector, "limit", maximum=10)
    redefine(client, make_token, connector, "token", maxLength=4)
    answer = client.get(report_url(integration), headers=sensitive_headers)
    assert PLAINTEXT not in answer.get_data(as_text=True)
    found = answer.get_json()
    assert found["valid"] is False
    assert found["invalid"] == [
        {
            "config": token["id"],
            "group": "credentials",
            "name": "token",
            "problems": ["Longer than 4 characters."],
        },
        {
            "config": limit["id"],
            "group": "settings",
            "name": "limit",
            "problems": ["Must be at most 10."],
        },
    ]
    assert "undefined" not in found  # the connector is not strict: free names are fine


def test_a_strict_connector_reports_configs_it_does_not_define(
    client, headers, make_token, new_integration
):
    integration = integration_defining(client, make_token, new_integration, LIMIT, strict=True)
    config = post(client, headers, integration, name="limit", value="1").get_json()
    assert report(client, headers, integration)["undefined"] == []
    admin = bearer(make_token(scopes=["ConnTenantConfigApi:Admin"]))
    url = f"/connectors/{integration['connector']}/parameters/limit"
    assert client.delete(url, headers=admin).status_code == 204
    found = report(client, headers, integration)
    assert found["undefined"] == [{"config": config["id"], "group": "settings", "name": "limit"}]
    assert (found["strict"], found["valid"], found["invalid"]) == (True, False, [])


def test_the_report_has_an_etag_that_follows_the_configs(
    client, headers, make_token, new_integration
):
    integration = integration_defining(client, make_token, new_integration, USER)
    first = client.get(report_url(integration), headers=headers)
    etag = first.headers["ETag"]
    again = client.get(report_url(integration), headers=headers | {"If-None-Match": etag})
    assert (again.status_code, again.headers["ETag"]) == (304, etag)
    post(client, headers, integration, name="user", value="me")
    changed = client.get(report_url(integration), headers=headers | {"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag
    assert changed.get_json()["valid"] is True


def test_only_callers_who_see_the_integration_get_its_report(
    client, headers, make_token, new_integration
):
    integration = integration_defining(client, make_token, new_integration, USER)
    stranger = bearer(make_token(scopes=ALL_SCOPES, tenants=[str(uuid.uuid4())]))
    problem = assert_problem(client.get(report_url(integration), headers=stranger), 404)
    assert problem["type"] == "urn:tenant-config:problem:not-found"
    missing = {"id": str(uuid.uuid4())}
    assert_problem(client.get(report_url(missing), headers=headers), 404)
    write_only = bearer(
        make_token(
            scopes=["ConnTenantConfigApi:TenantConfig:Write"], tenants=[integration["tenant"]]
        )
    )
    assert_problem(client.get(report_url(integration), headers=write_only), 403)
    assert_problem(client.get(report_url(integration)), 401)
    answer = client.get(f"{report_url(integration)}?pageSize=1", headers=headers)
    assert "pageSize" in assert_problem(answer, 400)["errors"]
    admin = bearer(make_token(scopes=["ConnTenantConfigApi:Admin", *ALL_SCOPES]))
    assert client.get(report_url(integration), headers=admin).status_code == 200


def test_a_secret_whose_key_is_gone_is_reported_not_leaked(
    client, headers, make_token, new_integration, make_app
):
    integration = integration_defining(client, make_token, new_integration, TOKEN)
    post(client, headers, integration, name="token", value=PLAINTEXT)
    rotated = make_app(fernet_keys=(Fernet.generate_key().decode(),)).test_client()
    answer = rotated.get(report_url(integration), headers=headers)
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["invalid"][0]["problems"] == [
        "The stored secret cannot be read (its key is gone)."
    ]
    assert PLAINTEXT not in answer.get_data(as_text=True)
