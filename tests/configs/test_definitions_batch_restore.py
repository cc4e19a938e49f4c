"""Batches and restores pass the same definition checks as single writes."""

from __future__ import annotations

from tests.configs.defined import (
    MASK,
    VALIDATION_FAILED,
    integration_defining,
    post,
    put,
    redefine,
    refused,
    stored,
)
from tests.support import batches
from tests.support.problems import assert_problem
from tests.support.urls import configs_url

LIMIT = {"group": "limits", "name": "limit", "label": "Limit", "type": "integer", "maximum": 10}
TOKEN = {"group": "credentials", "name": "token", "type": "secret", "maxLength": 12}
PLAINTEXT = "plain-Secret-93b1"


def test_a_batch_refuses_an_operation_whose_value_its_definition_refuses(
    client, headers, make_token, new_integration
):
    integration = integration_defining(client, make_token, new_integration, LIMIT, TOKEN)
    kept = post(client, headers, integration, name="limit", value="5").get_json()
    before = stored(client, headers, integration)
    ops = [
        {"op": "create", "body": {"name": "free", "group": "g", "value": "x"}},
        {
            "op": "update",
            "id": kept["id"],
            "expectedVersion": 0,
            "body": {"name": "limit", "value": "11"},
        },
        {"op": "create", "body": {"name": "token", "value": PLAINTEXT}},
        {"op": "create", "body": {"name": "nogroup", "value": "x"}},
    ]
    answer = batches.post(client, headers, integration, ops)
    problem = assert_problem(answer, 422)
    assert problem["type"] == VALIDATION_FAILED
    failures = problem["errors"]["operations"]
    assert sorted(failures) == ["1", "2", "3"]
    assert failures["1"]["type"] == VALIDATION_FAILED
    assert failures["1"]["errors"] == {"value": ["Must be at most 10."]}
    assert failures["2"]["errors"] == {"value": ["Longer than 12 characters."]}
    assert failures["3"]["errors"] == {"group": ["Missing data for required field."]}
    assert PLAINTEXT not in answer.get_data(as_text=True)
    assert stored(client, headers, integration) == before


def test_a_batch_fills_defined_fields_and_makes_secrets_sensitive(
    client, headers, sensitive_headers, make_token, new_integration
):
    integration = integration_defining(client, make_token, new_integration, LIMIT, TOKEN)
    ops = [
        {"op": "create", "body": {"name": "limit", "value": "7"}},
        {"op": "create", "body": {"name": "token", "value": "short", "sensitive": False}},
    ]
    answer = batches.post(client, headers, integration, ops)
    assert answer.status_code == 200, answer.get_json()
    limit, token = (r["config"] for r in answer.get_json()["results"])
    assert (limit["group"], limit["label"], limit["value"]) == ("limits", "Limit", "7")
    assert (token["group"], token["sensitive"], token["value"]) == ("credentials", True, MASK)
    url = configs_url(integration, token)
    assert client.get(url, headers=sensitive_headers).get_json()["value"] == "short"
    masked = {"op": "create", "body": {"name": "token", "value": MASK, "sensitive": False}}
    again = integration_defining(client, make_token, new_integration, TOKEN)
    refused_op = assert_problem(batches.post(client, headers, again, [masked]), 422)
    assert "value" in refused_op["errors"]["operations"]["0"]["errors"]


def history(client, headers, integration, config) -> list:
    url = f"{configs_url(integration, config)}/versions?pageSort=version,ASC"
    return [
        (r["version"], r["operation"])
        for r in client.get(url, headers=headers).get_json()["content"]
    ]


def restore(client, headers, integration, config, **body):
    url = f"{configs_url(integration, config)}/restore"
    return client.post(url, json=body, headers=headers)


def test_restoring_a_version_the_changed_definition_refuses_is_refused(
    client, headers, make_token, new_integration
):
    integration = integration_defining(
        client, make_token, new_integration, LIMIT | {"maximum": 100}
    )
    config = post(client, headers, integration, name="limit", value="50").get_json()
    config = put(client, headers, integration, config, name="limit", value="5").get_json()
    redefine(client, make_token, integration["connector"], "limit", maximum=10)
    answer = restore(client, headers, integration, config, version=0, expectedVersion=1)
    assert refused(answer) == ["Must be at most 10."]
    assert "changed since" in answer.get_json()["detail"]
    assert history(client, headers, integration, config) == [(0, "CREATE"), (1, "UPDATE")]
    deleted = client.delete(configs_url(integration, config), headers=headers)
    assert deleted.status_code == 204
    refused(restore(client, headers, integration, config, version=0))
    answer = restore(client, headers, integration, config, version=1)
    assert answer.status_code == 200, answer.get_json()
    assert (answer.get_json()["value"], answer.get_json()["version"]) == ("5", 3)


def test_restoring_a_secret_checks_it_decrypted_and_never_shows_it(
    client, headers, make_token, new_integration
):
    integration = integration_defining(
        client, make_token, new_integration, TOKEN | {"maxLength": 40}
    )
    config = post(client, headers, integration, name="token", value=PLAINTEXT).get_json()
    config = put(client, headers, integration, config, name="token", value="short").get_json()
    redefine(client, make_token, integration["connector"], "token", maxLength=12)
    answer = restore(client, headers, integration, config, version=0, expectedVersion=1)
    assert refused(answer) == ["Longer than 12 characters."]
    assert PLAINTEXT not in answer.get_data(as_text=True)


def test_restoring_a_plain_version_of_a_parameter_now_secret(
    client, headers, make_token, new_integration
):
    integration = integration_defining(
        client, make_token, new_integration, {"name": "key", "type": "string"}
    )
    sealed = post(client, headers, integration, name="key", value="was-plain").get_json()
    gone = post(
        client, headers, integration, group="g", name="gone", value="gone-Value-x1"
    ).get_json()
    assert client.delete(configs_url(integration, gone), headers=headers).status_code == 204
    connector = integration["connector"]
    redefine(client, make_token, connector, "key", type="secret")
    sealed = put(client, headers, integration, sealed, name="key", value="now-secret").get_json()
    assert sealed["sensitive"] is True  # and its history is sealed: version 0 is a secret now
    answer = restore(client, headers, integration, sealed, version=0, expectedVersion=1)
    assert answer.status_code == 200, answer.get_json()
    assert (answer.get_json()["sensitive"], answer.get_json()["value"]) == (True, MASK)
    define = {"name": "gone", "type": "secret", "group": "g"}
    admin = {"Authorization": f"Bearer {make_token(scopes=['ConnTenantConfigApi:Admin'])}"}
    created = client.post(f"/connectors/{connector}/parameters", json=define, headers=admin)
    assert created.status_code == 201, created.get_json()
    answer = restore(client, headers, integration, gone, version=0)
    assert "secret must be sensitive" in refused(answer)[0]
    assert "gone-Value-x1" not in answer.get_data(as_text=True)


def test_a_strict_connector_refuses_restoring_a_name_it_no_longer_defines(
    client, headers, make_token, new_integration
):
    integration = integration_defining(client, make_token, new_integration, LIMIT, strict=True)
    config = post(client, headers, integration, name="limit", value="1").get_json()
    assert client.delete(configs_url(integration, config), headers=headers).status_code == 204
    admin = {"Authorization": f"Bearer {make_token(scopes=['ConnTenantConfigApi:Admin'])}"}
    url = f"/connectors/{integration['connector']}/parameters/limit"
    assert client.delete(url, headers=admin).status_code == 204
    answer = restore(client, headers, integration, config, version=0)
    assert integration["connector"] in refused(answer, "name")[0]
