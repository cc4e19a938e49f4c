"""PATCH of a config: an RFC 7396 merge patch, by the rules and preconditions of a PUT."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.support.problems import assert_problem, bearer
from tests.support.tokens import ALL_SCOPES
from tests.support.urls import configs_url as url
from tests.support.urls import history

MERGE_PATCH = "application/merge-patch+json"


def patch(client, headers, integration, config, body, **extra_headers):
    return client.patch(
        url(integration, config),
        data=json.dumps(body),
        content_type=MERGE_PATCH,
        headers=headers | extra_headers,
    )


def stored(client, headers, integration, config) -> dict:
    answer = client.get(url(integration, config), headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_a_patch_changes_only_the_fields_it_sends(client, headers, integration, new_config):
    config = new_config(group="g", name="n", label="L", description="D", value="v")
    answer = patch(client, headers, integration, config, {"label": "new", "version": 0})
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["version"], body["label"]) == (1, "new")
    assert (body["group"], body["name"], body["description"], body["value"]) == ("g", "n", "D", "v")
    assert (
        answer.headers["ETag"]
        == client.get(url(integration, config), headers=headers).headers["ETag"]
    )
    rows = history(client, headers, integration, config)
    assert [(r["version"], r["operation"], r["label"]) for r in rows] == [
        (0, "CREATE", "L"),
        (1, "UPDATE", "new"),
    ]


def test_null_removes_label_description_and_value(client, headers, integration, new_config):
    config = new_config(label="L", description="D", value="v")
    body = {"label": None, "description": None, "value": None, "version": 0}
    answer = patch(client, headers, integration, config, body)
    assert answer.status_code == 200, answer.get_json()
    got = answer.get_json()
    assert (got["label"], got["description"], got["value"]) == (None, None, None)


@pytest.mark.parametrize("field", ["group", "name", "sensitive"])
def test_null_cannot_remove_a_required_field(client, headers, integration, new_config, field):
    config = new_config()
    answer = patch(client, headers, integration, config, {field: None, "version": 0})
    assert field in assert_problem(answer, 422)["errors"]
    assert stored(client, headers, integration, config) == config


def test_an_empty_patch_with_a_precondition_changes_nothing(
    client, headers, integration, new_config
):
    config = new_config()
    answer = patch(client, headers, integration, config, {"version": 0})
    assert answer.status_code == 200
    assert answer.get_json()["version"] == 0
    assert len(history(client, headers, integration, config)) == 1


def test_preconditions_are_those_of_put(client, headers, integration, new_config):
    config = new_config()
    assert_problem(patch(client, headers, integration, config, {"label": "x"}), 428)
    stale = patch(client, headers, integration, config, {"label": "x", "version": 3})
    assert assert_problem(stale, 409)["currentVersion"] == 0
    etag = client.get(url(integration, config), headers=headers).headers["ETag"]
    wrong = patch(client, headers, integration, config, {"label": "x"}, **{"If-Match": '"nope"'})
    assert assert_problem(wrong, 412)["currentVersion"] == 0
    right = patch(client, headers, integration, config, {"label": "x"}, **{"If-Match": etag})
    assert right.status_code == 200
    assert right.get_json()["version"] == 1


def test_validation_is_that_of_put(client, headers, integration, new_config):
    config = new_config()
    other = new_config(name="taken")
    cases = [
        ({"name": "taken"}, 409),
        ({"value": "x" * 8193}, 422),
        ({"name": ""}, 422),
        ({"tenant": str(uuid.uuid4())}, 422),
        ({"unknownField": 1}, 422),
        ({"label": "a\x00b"}, 422),
    ]
    for body, status in cases:
        assert_problem(patch(client, headers, integration, config, body | {"version": 0}), status)
    assert stored(client, headers, integration, config) == config
    assert stored(client, headers, integration, other) == other


def test_integration_fields_may_be_sent_when_equal(client, headers, integration, new_config):
    config = new_config()
    body = {"tenant": integration["tenant"], "connector": integration["connector"], "version": 0}
    answer = patch(client, headers, integration, config, body | {"label": "same tenant"})
    assert answer.status_code == 200, answer.get_json()


@pytest.mark.parametrize(
    "content_type", ["application/json", "text/plain", "application/json-patch+json", None]
)
def test_any_other_content_type_is_415(client, headers, integration, new_config, content_type):
    config = new_config()
    answer = client.patch(
        url(integration, config),
        data=json.dumps({"label": "x", "version": 0}),
        headers=headers | ({"Content-Type": content_type} if content_type else {}),
    )
    body = assert_problem(answer, 415)
    assert body["type"] == "urn:tenant-config:problem:unsupported-media-type"
    assert answer.headers["Accept-Patch"] == MERGE_PATCH
    assert stored(client, headers, integration, config) == config


def test_a_merge_patch_body_is_no_replacement(client, headers, integration, new_config):
    config = new_config()
    body = json.dumps({"group": "g", "name": "n", "version": 0})
    put = client.put(url(integration, config), data=body, content_type=MERGE_PATCH, headers=headers)
    assert_problem(put, 415)
    assert "Accept-Patch" not in put.headers
    assert stored(client, headers, integration, config) == config


def test_a_patch_without_value_keeps_a_secret_for_a_caller_who_cannot_read_it(
    client, headers, sensitive_headers, integration, new_config
):
    config = new_config(value="the-secret", sensitive=True)
    answer = patch(client, headers, integration, config, {"label": "relabelled", "version": 0})
    assert answer.status_code == 200, answer.get_json()
    assert (answer.get_json()["value"], answer.get_json()["version"]) == ("********", 1)
    assert "no-store" not in answer.headers.get("Cache-Control", "")
    revealed = stored(client, sensitive_headers, integration, config)
    assert (revealed["value"], revealed["label"], revealed["sensitive"]) == (
        "the-secret",
        "relabelled",
        True,
    )
    rows = history(client, sensitive_headers, integration, config)
    assert [r["value"] for r in rows] == ["the-secret", "the-secret"]


def test_a_reader_of_secrets_gets_the_value_revealed_and_not_stored(
    client, sensitive_headers, integration, new_config
):
    config = new_config(value="the-secret", sensitive=True)
    answer = patch(client, sensitive_headers, integration, config, {"label": "x", "version": 0})
    assert answer.get_json()["value"] == "the-secret"
    assert answer.headers["Cache-Control"] == "no-store"


def test_sensitive_true_alone_encrypts_the_stored_value(
    client, headers, sensitive_headers, integration, new_config
):
    config = new_config(value="plain-then-secret")
    answer = patch(client, headers, integration, config, {"sensitive": True, "version": 0})
    assert answer.status_code == 200, answer.get_json()
    assert (answer.get_json()["value"], answer.get_json()["sensitive"]) == ("********", True)
    assert stored(client, sensitive_headers, integration, config)["value"] == "plain-then-secret"


def test_a_secret_becomes_plain_only_with_its_new_value(
    client, headers, sensitive_headers, integration, new_config
):
    config = new_config(value="the-secret", sensitive=True)
    refused = patch(client, headers, integration, config, {"sensitive": False, "version": 0})
    assert "value" in assert_problem(refused, 422)["errors"]
    body = {"sensitive": False, "value": "now-plain", "version": 0}
    answer = patch(client, headers, integration, config, body)
    assert (answer.get_json()["value"], answer.get_json()["sensitive"]) == ("now-plain", False)


def test_another_tenants_config_is_404_like_a_random_id(
    client, headers, make_token, integration, new_config
):
    config = new_config()
    stranger = bearer(make_token(scopes=ALL_SCOPES, tenants=[str(uuid.uuid4())]))
    theirs = patch(client, stranger, integration, config, {"label": "x", "version": 0})
    nowhere = {"id": str(uuid.uuid4())}
    random = patch(client, stranger, nowhere, {"id": str(uuid.uuid4())}, {"version": 0})
    same = ("type", "title", "status", "detail")
    assert len({tuple(assert_problem(a, 404)[k] for k in same) for a in (theirs, random)}) == 1
    assert stored(client, headers, integration, config) == config


def test_a_reader_cannot_patch(client, make_token, tenant, integration, new_config):
    config = new_config()
    reader = bearer(make_token(scopes=("ConnTenantConfigApi:TenantConfig:Read",), tenants=[tenant]))
    answer = patch(client, reader, integration, config, {"label": "x", "version": 0})
    assert_problem(answer, 403)


def test_a_patch_records_its_change_reason(client, headers, integration, new_config):
    config = new_config()
    body = {"label": "x", "version": 0, "reason": "OPS-7: clearer label"}
    assert patch(client, headers, integration, config, body).status_code == 200
    rows = history(client, headers, integration, config)
    assert [(r["operation"], r["reason"]) for r in rows] == [
        ("CREATE", None),
        ("UPDATE", "OPS-7: clearer label"),
    ]
