"""Batches refuse what they cannot apply, by operation index, and change nothing."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.support.batches import body, post, state
from tests.support.problems import assert_problem
from tests.support.urls import configs_url as url


@pytest.mark.parametrize(
    ("operations", "where"),
    [
        ([{"op": "rename", "body": body("a")}], ["0", "op"]),
        ([{"op": "create"}], ["0", "body"]),
        ([{"op": "create", "id": str(uuid.uuid4()), "body": body("a")}], ["0", "id"]),
        ([{"op": "update", "expectedVersion": 0, "body": body("a")}], ["0", "id"]),
        ([{"op": "delete", "id": str(uuid.uuid4()), "body": body("a")}], ["0", "body"]),
        ([{"op": "delete", "id": "not-a-uuid"}], ["0", "id"]),
        ([{"op": "delete", "id": str(uuid.uuid4()), "expectedVersion": 2**40}], ["0"]),
        ([{"op": "create", "body": body("a")}, {"op": "create", "body": {"name": "b"}}], ["1"]),
        ([{"op": "create", "body": body("a", version=3)}], ["0", "body", "version"]),
        ([{"op": "create", "body": body("a", tenant_id="x")}], ["0", "body"]),
        ([{"op": "create", "body": body("a\x00")}], ["0", "body", "name"]),
        ([], []),
        ([{"op": "delete", "id": str(uuid.uuid4())}] * 501, []),
    ],
)
def test_invalid_operations_are_422_by_index_and_change_nothing(
    client, headers, integration, operations, where
):
    problem = assert_problem(post(client, headers, integration, operations), 422)
    errors = problem["errors"]["operations"]
    for key in where:
        errors = errors[key]
    assert state(client, headers, integration) == ([], [])


def test_unknown_policy_or_top_level_fields_are_refused(client, headers, integration):
    ops = [{"op": "create", "body": body("a")}]
    assert_problem(post(client, headers, integration, ops, "?onConflict=merge"), 400)
    extra = client.post(
        f"{url(integration)}/batch", json={"operations": ops, "dryRun": True}, headers=headers
    )
    assert "dryRun" in assert_problem(extra, 422)["errors"]
    assert state(client, headers, integration) == ([], [])


def test_five_hundred_operations_fit_and_a_larger_body_is_413(client, headers, integration):
    ops = [{"op": "create", "body": {"group": "g", "name": f"p{n:03}"}} for n in range(500)]
    assert len(json.dumps({"operations": ops})) < 64 * 1024
    answer = post(client, headers, integration, ops)
    assert answer.status_code == 200, answer.get_json()
    assert len(answer.get_json()["results"]) == 500
    page = client.get(f"{url(integration)}?pageSize=1", headers=headers).get_json()["page"]
    assert page["totalElements"] == 500
    huge = [{"op": "create", "body": body(f"q{n}", "x" * 8000)} for n in range(9)]
    assert_problem(post(client, headers, integration, huge), 413)


def test_secrets_are_masked_unless_the_caller_may_read_them(
    client, headers, sensitive_headers, integration
):
    ops = [{"op": "create", "body": body("key", "the-secret", sensitive=True)}]
    masked = post(client, headers, integration, ops)
    assert masked.get_json()["results"][0]["config"]["value"] == "********"
    assert "no-store" not in masked.headers.get("Cache-Control", "")
    ops = [{"op": "create", "body": body("key2", "other-secret", sensitive=True)}]
    revealed = post(client, sensitive_headers, integration, ops)
    assert revealed.get_json()["results"][0]["config"]["value"] == "other-secret"
    assert revealed.headers["Cache-Control"] == "no-store"


def test_a_secret_left_out_or_missing_is_refused_by_index(client, headers, integration):
    ops = [
        {"op": "create", "body": body("a")},
        {"op": "create", "body": {"group": "g", "name": "b", "sensitive": True}},
        {
            "op": "create",
            "body": {"group": "g", "name": "c", "sensitive": True, "valueOmitted": True},
        },
    ]
    problem = assert_problem(post(client, headers, integration, ops), 422)
    failures = problem["errors"]["operations"]
    assert sorted(failures) == ["1", "2"]
    assert "valueOmitted" in failures["2"]["errors"]
    assert state(client, headers, integration) == ([], [])


def test_the_mask_in_an_update_keeps_the_secret(
    client, headers, sensitive_headers, integration, new_config
):
    config = new_config(name="key", value="the-secret", sensitive=True)
    update = {"op": "update", "id": config["id"], "expectedVersion": 0}
    update["body"] = body("key", "********", sensitive=True, label="relabelled")
    answer = post(client, headers, integration, [update])
    assert answer.get_json()["results"][0]["config"]["version"] == 1
    got = client.get(url(integration, config), headers=sensitive_headers).get_json()
    assert (got["value"], got["label"]) == ("the-secret", "relabelled")
