"""What a definition adds to a write: defaults of its fields, secrets, strictness, the mask."""

from __future__ import annotations

from tests.configs.defined import (
    MASK,
    integration_defining,
    post,
    put,
    redefine,
    refused,
    stored,
)
from tests.support.urls import configs_url

RETENTION = {
    "group": "messageLogConfigs",
    "name": "retention",
    "label": "Retention (days)",
    "description": "How long logs are kept.",
    "type": "integer",
    "maximum": 365,
}
TOKEN = {"group": "credentials", "name": "token", "label": "API token", "type": "secret"}
PLAINTEXT = "s3cr3t-Plaintext-7f1c"


def fields(config: dict) -> tuple:
    return config["group"], config["label"], config["description"]


def test_omitted_group_label_and_description_come_from_the_definition(
    client, headers, make_token, new_integration
):
    integration = integration_defining(client, make_token, new_integration, RETENTION)
    config = post(client, headers, integration, name="retention", value="30").get_json()
    assert fields(config) == ("messageLogConfigs", "Retention (days)", "How long logs are kept.")
    own = {"group": "mine", "label": "Mine", "description": "My own"}
    config = put(client, headers, integration, config, name="retention", value="30", **own)
    assert fields(config.get_json()) == ("mine", "Mine", "My own")
    config = put(client, headers, integration, config.get_json(), name="retention", value="30")
    assert fields(config.get_json()) == fields({**RETENTION})
    nulls = {"group": None, "label": None, "description": None}
    answer = post(client, headers, integration, name="free", value="x", **nulls)
    assert refused(answer, "group") == ["Missing data for required field."]
    assert refused(post(client, headers, integration, name="free"), "group")
    assert stored(client, headers, integration)[0] == [("retention", 2, "30")]


def test_a_patch_keeps_what_it_leaves_out_and_null_takes_the_definitions(
    client, headers, make_token, new_integration
):
    integration = integration_defining(client, make_token, new_integration, RETENTION)
    body = {"name": "retention", "value": "30", "label": "Mine", "group": "mine"}
    config = post(client, headers, integration, **body).get_json()
    url = configs_url(integration, config)
    merge = headers | {"Content-Type": "application/merge-patch+json", "If-Match": '"x"'}

    def patch(etag: str, **body):
        return client.patch(url, json=body, headers=merge | {"If-Match": etag})

    etag = client.get(url, headers=headers).headers["ETag"]
    answer = patch(etag, value="31")
    assert answer.status_code == 200, answer.get_json()
    assert fields(answer.get_json()) == ("mine", "Mine", "How long logs are kept.")
    answer = patch(answer.headers["ETag"], label=None, group=None)
    assert fields(answer.get_json()) == fields(RETENTION)
    assert refused(patch(answer.headers["ETag"], value="366")) == ["Must be at most 365."]
    assert client.get(url, headers=headers).get_json()["value"] == "31"


def test_a_secret_is_always_sensitive_and_never_echoed(
    client, headers, sensitive_headers, make_token, new_integration
):
    integration = integration_defining(
        client, make_token, new_integration, TOKEN | {"pattern": "^s3cr3t-"}
    )
    answer = post(client, headers, integration, name="token", value=PLAINTEXT, sensitive=False)
    assert answer.status_code == 201, answer.get_json()
    config = answer.get_json()
    assert (config["sensitive"], config["value"], config["group"]) == (True, MASK, "credentials")
    url = configs_url(integration, config)
    assert client.get(url, headers=sensitive_headers).get_json()["value"] == PLAINTEXT
    wrong = PLAINTEXT.replace("s3cr3t", "guess")
    for response in (
        post(client, headers, integration, name="token", value=wrong),
        put(client, headers, integration, config, name="token", value=wrong, sensitive=False),
    ):
        refused(response)
        assert wrong not in response.get_data(as_text=True)
    answer = put(
        client, headers, integration, config, name="token", value="s3cr3t-2", sensitive=False
    )
    assert (answer.get_json()["sensitive"], answer.get_json()["value"]) == (True, MASK)
    assert client.get(url, headers=sensitive_headers).get_json()["value"] == "s3cr3t-2"
    history = client.get(f"{configs_url(integration)}/versions", headers=headers)
    assert PLAINTEXT not in history.get_data(as_text=True)


def test_a_new_secret_cannot_be_the_mask_even_when_the_body_says_plain(
    client, headers, make_token, new_integration
):
    integration = integration_defining(client, make_token, new_integration, TOKEN)
    answer = post(client, headers, integration, name="token", value=MASK, sensitive=False)
    assert "only keeps a stored secret" in refused(answer)[0]
    assert stored(client, headers, integration) == ([], [])


def test_the_mask_keeps_a_secret_that_a_changed_definition_refuses(
    client, headers, sensitive_headers, make_token, new_integration
):
    integration = integration_defining(client, make_token, new_integration, TOKEN)
    config = post(client, headers, integration, name="token", value=PLAINTEXT).get_json()
    redefine(client, make_token, integration["connector"], "token", maxLength=4)
    answer = put(client, headers, integration, config, name="token", value=MASK, label="New")
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["label"] == "New"
    url = configs_url(integration, config)
    assert client.get(url, headers=sensitive_headers).get_json()["value"] == PLAINTEXT
    refused(put(client, headers, integration, answer.get_json(), name="token", value="toolong"))


def test_a_value_left_as_it_is_is_not_checked_again_but_a_renamed_one_is(
    client, headers, make_token, new_integration
):
    integration = integration_defining(
        client, make_token, new_integration, RETENTION, RETENTION | {"name": "days"}
    )
    config = post(client, headers, integration, name="retention", value="300").get_json()
    redefine(client, make_token, integration["connector"], "days", maximum=100)
    redefine(client, make_token, integration["connector"], "retention", maximum=100)
    answer = put(client, headers, integration, config, name="retention", value="300", label="L")
    assert answer.status_code == 200, answer.get_json()
    config = answer.get_json()
    assert refused(put(client, headers, integration, config, name="retention", value="301"))
    assert refused(put(client, headers, integration, config, name="days", value="300"))
    answer = put(client, headers, integration, config, name="days", value="99")
    assert answer.status_code == 200, answer.get_json()


def test_a_strict_connector_takes_defined_names_only(client, headers, make_token, new_integration):
    integration = integration_defining(client, make_token, new_integration, RETENTION, strict=True)
    answer = post(client, headers, integration, group="g", name="other", value="1")
    message = refused(answer, "name")[0]
    assert integration["connector"] in message
    assert post(client, headers, integration, name="retention", value="1").status_code == 201
    loose = integration_defining(client, make_token, new_integration, RETENTION)
    assert post(client, headers, loose, group="g", name="other", value="1").status_code == 201


def test_a_strict_connector_refuses_writes_of_a_name_whose_definition_went(
    client, headers, make_token, new_integration
):
    integration = integration_defining(client, make_token, new_integration, RETENTION, strict=True)
    config = post(client, headers, integration, name="retention", value="1").get_json()
    admin = {"Authorization": f"Bearer {make_token(scopes=['ConnTenantConfigApi:Admin'])}"}
    url = f"/connectors/{integration['connector']}/parameters/retention"
    assert client.delete(url, headers=admin).status_code == 204
    refused(put(client, headers, integration, config, name="retention", value="2"), "name")
    answer = client.delete(configs_url(integration, config), headers=headers)
    assert answer.status_code == 204
