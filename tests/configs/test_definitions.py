"""A defined parameter's value is checked on POST and PUT; nothing is stored when it fails."""

from __future__ import annotations

import pytest

from tests.configs.defined import integration_defining, post, put, refused, stored

# (definition, values it takes, values it refuses, a message one refusal carries)
TYPES = {
    "boolean": (
        {"type": "boolean"},
        ["true", "false", "TRUE"],
        ["maybe", "1", ""],
        "true or false",
    ),
    "integer": (
        {"type": "integer", "minimum": 1, "maximum": 365},
        ["1", "30", "365"],
        ["0", "366", "1.5", "ten", ""],
        "at most 365",
    ),
    "number": (
        {"type": "number", "minimum": 0, "maximum": 1.5},
        ["0", "0.25", "1.5", "1e0"],
        ["1.6", "-0.1", "NaN", "1e999", "abc"],
        "at least 0",
    ),
    "enum": (
        {"type": "enum", "allowedValues": ["ON_ORDER", "ON_INVOICE"]},
        ["ON_ORDER", "ON_INVOICE"],
        ["on_order", "ON_SHIPMENT", ""],
        "one of: ON_ORDER, ON_INVOICE",
    ),
    "url": (
        {"type": "url"},
        ["https://oseries.example.com/api", "http://localhost:8080"],
        ["ftp://example.com", "not a url", "https://", "javascript:alert(1)"],
        "http(s) URL",
    ),
    "email": (
        {"type": "email"},
        ["ops@example.com", "a.b+c@mail.example.org"],
        ["ops@", "ops@example", "no email here", "@example.com"],
        "email address",
    ),
    "json": (
        {"type": "json"},
        ['{"1000": "US01"}', "[1, 2]", "3", '"text"'],
        ["{1000: US01}", "NaN", "[1,", ""],
        "JSON text",
    ),
    "string": (
        {"type": "string", "pattern": "^[A-Z]{2}[0-9]+$", "maxLength": 8},
        ["AB1", "XY123456"],
        ["ab1", "A1", "AB1234567"],
        "pattern",
    ),
    "secret": (
        {"type": "secret", "maxLength": 12},
        ["hunter2", "x" * 12],
        ["x" * 13],
        "Longer than 12",
    ),
}


@pytest.mark.parametrize("kind", TYPES)
def test_post_stores_values_of_the_type_and_refuses_others_storing_nothing(
    client, headers, make_token, new_integration, kind
):
    definition, good, bad, message = TYPES[kind]
    integration = integration_defining(
        client, make_token, new_integration, {"name": "p"} | definition
    )
    messages = []
    for value in bad:
        messages += refused(post(client, headers, integration, name="p", value=value))
    assert any(message in m for m in messages), messages
    assert stored(client, headers, integration) == ([], [])
    for value in good:
        answer = post(client, headers, integration, name="p", value=value)
        assert answer.status_code == 201, answer.get_json()
        deleted = client.delete(answer.headers["Location"], headers=headers)
        assert deleted.status_code == 204
    assert answer.get_json()["group"] == "settings"  # the definition's


@pytest.mark.parametrize("kind", TYPES)
def test_put_takes_values_of_the_type_and_refuses_others_changing_nothing(
    client, headers, sensitive_headers, make_token, new_integration, kind
):
    definition, good, bad, _ = TYPES[kind]
    integration = integration_defining(
        client, make_token, new_integration, {"name": "p"} | definition
    )
    config = post(client, headers, integration, name="p", value=good[0]).get_json()
    before = stored(client, headers, integration)
    for value in bad:
        refused(put(client, headers, integration, config, name="p", value=value))
    assert stored(client, headers, integration) == before
    for value in good[1:]:
        answer = put(client, sensitive_headers, integration, config, name="p", value=value)
        assert answer.status_code == 200, answer.get_json()
        config = answer.get_json()
        assert config["value"] == value


def test_a_required_parameter_refuses_null_and_an_optional_one_takes_it(
    client, headers, make_token, new_integration
):
    integration = integration_defining(
        client,
        make_token,
        new_integration,
        {"name": "needed", "type": "string", "required": True},
        {"name": "optional", "type": "integer"},
    )
    assert refused(post(client, headers, integration, name="needed")) == ["A value is required."]
    assert refused(post(client, headers, integration, name="needed", value=None))
    answer = post(client, headers, integration, name="optional", value=None)
    assert answer.status_code == 201, answer.get_json()
    config = post(client, headers, integration, name="needed", value="me").get_json()
    refused(put(client, headers, integration, config, name="needed", value=None))


def test_every_failing_field_is_named_at_once(client, headers, make_token, new_integration):
    integration = integration_defining(
        client,
        make_token,
        new_integration,
        {"name": "days", "type": "integer", "maximum": 9},
        strict=True,
    )
    answer = post(client, headers, integration, name="weeks", value="10")
    assert set(answer.get_json()["errors"]) == {"name", "group"}
    assert integration["connector"] in refused(answer, "name")[0]
    answer = post(client, headers, integration, name="days", value="10")
    assert refused(answer) == ["Must be at most 9."]
    assert "'days'" in answer.get_json()["detail"]


def test_the_shipped_bigcommerce_message_log_switch_is_a_boolean(client, headers, integration):
    assert integration["connector"] == "BIGCOMMERCE_OSERIES"
    messages = refused(post(client, headers, integration, name="messageLogEnabled", value="maybe"))
    assert messages == ["Must be true or false."]
    answer = post(client, headers, integration, name="messageLogEnabled", value="true")
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["group"] == "messageLogConfigs"


def test_attack_values_are_refused_by_their_type_without_echo(
    client, headers, make_token, new_integration
):
    integration = integration_defining(
        client,
        make_token,
        new_integration,
        {"name": "n", "type": "integer"},
        {"name": "j", "type": "json"},
    )
    for value in ["1\x00", "<script>alert(1)</script>", "1" * 8193, "١٢٣", " 1", "1 "]:
        answer = post(client, headers, integration, name="n", value=value)
        assert answer.status_code == 422
        assert "<script>" not in answer.get_data(as_text=True)
    deep = "[" * 4000 + "]" * 4000
    assert refused(post(client, headers, integration, name="j", value=deep)) == [
        "Must be a JSON text."
    ]
    assert stored(client, headers, integration) == ([], [])
