"""POST /tenantintegrations/{ti}/configs/batch: every operation in order, all or none."""

from __future__ import annotations

import uuid

from tests.support.batches import body, post, state
from tests.support.problems import assert_problem, bearer
from tests.support.tokens import ALL_SCOPES
from tests.support.urls import configs_url as url

DUPLICATE = "urn:tenant-config:problem:duplicate"
VERSION_CONFLICT = "urn:tenant-config:problem:version-conflict"
PRECONDITION_FAILED = "urn:tenant-config:problem:precondition-failed"
NOT_FOUND = "urn:tenant-config:problem:not-found"


def test_a_batch_applies_every_operation_in_order_with_its_history(
    client, headers, integration, new_config
):
    kept, gone = new_config(name="kept", value="old"), new_config(name="gone")
    ops = [
        {"op": "create", "body": body("fresh", "1")},
        {"op": "update", "id": kept["id"], "expectedVersion": 0, "body": body("kept", "new")},
        {"op": "delete", "id": gone["id"], "expectedVersion": 0},
        {"op": "update", "id": kept["id"], "expectedVersion": 1, "body": body("kept", "new")},
    ]
    answer = post(client, headers, integration, ops)
    assert answer.status_code == 200, answer.get_json()
    results = answer.get_json()["results"]
    assert [(r["index"], r["op"], r["outcome"]) for r in results] == [
        (0, "create", "created"),
        (1, "update", "updated"),
        (2, "delete", "deleted"),
        (3, "update", "unchanged"),
    ]
    assert (results[0]["config"]["name"], results[0]["config"]["version"]) == ("fresh", 0)
    assert (results[1]["config"]["value"], results[1]["config"]["version"]) == ("new", 1)
    assert (results[2]["id"], results[2]["version"]) == (gone["id"], 1)
    assert results[0]["config"]["integration"] == integration["id"]
    configs, rows = state(client, headers, integration)
    assert [(c["name"], c["value"], c["version"]) for c in configs] == [
        ("fresh", "1", 0),
        ("kept", "new", 1),
    ]
    assert sorted((r["name"], r["version"], r["operation"]) for r in rows) == [
        ("fresh", 0, "CREATE"),
        ("gone", 0, "CREATE"),
        ("gone", 1, "DELETE"),
        ("kept", 0, "CREATE"),
        ("kept", 1, "UPDATE"),
    ]


def test_a_batch_whose_last_operation_fails_changes_nothing(
    client, headers, integration, new_config
):
    kept, gone = new_config(name="kept"), new_config(name="gone")
    before = state(client, headers, integration)
    ops = [
        {"op": "create", "body": body("fresh")},
        {"op": "update", "id": kept["id"], "expectedVersion": 0, "body": body("kept", "new")},
        {"op": "delete", "id": gone["id"], "expectedVersion": 0},
        {"op": "create", "body": body("kept")},
    ]
    problem = assert_problem(post(client, headers, integration, ops), 409)
    assert problem["type"] == DUPLICATE
    assert problem["errors"] == {
        "operations": {
            "3": {
                "type": DUPLICATE,
                "status": 409,
                "detail": "The integration has a config named 'kept' already.",
            }
        }
    }
    assert "index 3" in problem["detail"]
    assert state(client, headers, integration) == before


def test_every_failing_operation_is_listed_and_the_first_sets_the_status(
    client, headers, integration, new_config
):
    config = new_config(name="c")
    etag = client.get(url(integration, config), headers=headers).headers["ETag"]
    before = state(client, headers, integration)
    stale_tag = {"op": "update", "id": config["id"], "ifMatch": '"stale"', "body": body("c")}
    stale_version = {"op": "delete", "id": config["id"], "expectedVersion": 7}
    masked = {"op": "create", "body": body("s", "********", sensitive=True)}
    ok = {"op": "update", "id": config["id"], "ifMatch": etag, "body": body("c", "x")}
    problem = assert_problem(
        post(client, headers, integration, [ok, stale_tag, stale_version]), 412
    )
    failures = problem["errors"]["operations"]
    assert sorted(failures) == ["1", "2"]
    assert (failures["1"]["type"], failures["1"]["currentVersion"]) == (PRECONDITION_FAILED, 1)
    assert (failures["2"]["type"], failures["2"]["currentVersion"]) == (VERSION_CONFLICT, 1)
    problem = assert_problem(post(client, headers, integration, [masked, stale_version]), 422)
    assert sorted(problem["errors"]["operations"]) == ["0", "1"]
    assert "value" in problem["errors"]["operations"]["0"]["errors"]
    assert state(client, headers, integration) == before


def test_two_creates_of_one_name_in_a_batch_fail_at_the_second(client, headers, integration):
    problem = assert_problem(
        post(client, headers, integration, [{"op": "create", "body": body(n)} for n in "aba"]),
        409,
    )
    assert list(problem["errors"]["operations"]) == ["2"]
    assert state(client, headers, integration) == ([], [])


def test_an_update_needs_a_precondition_and_a_delete_does_not(
    client, headers, integration, new_config
):
    config, other = new_config(name="c"), new_config(name="d")
    update = {"op": "update", "id": config["id"], "body": body("c", "x")}
    problem = assert_problem(post(client, headers, integration, [update]), 428)
    assert list(problem["errors"]["operations"]) == ["0"]
    answer = post(client, headers, integration, [{"op": "delete", "id": other["id"]}])
    assert answer.status_code == 200
    assert answer.get_json()["results"][0]["version"] == 1


def test_an_update_needs_no_precondition_when_the_setting_says_so(
    make_app, headers, integration, new_config
):
    config = new_config(name="c")
    relaxed = make_app(require_precondition=False).test_client()
    update = {"op": "update", "id": config["id"], "body": body("c", "x")}
    answer = post(relaxed, headers, integration, [update])
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["results"][0]["config"]["version"] == 1


def test_each_history_row_keeps_the_most_specific_change_reason(
    client, headers, integration, new_config
):
    first, second = new_config(name="first"), new_config(name="second")
    ops = [
        {"op": "create", "body": body("fresh", reason="in the body")},
        {"op": "create", "reason": "on the operation", "body": body("fresh2")},
        {"op": "update", "id": first["id"], "expectedVersion": 0, "body": body("first", "x")},
        {"op": "delete", "id": second["id"], "reason": "gone for good"},
    ]
    url_ = f"{url(integration)}/batch"
    answer = client.post(url_, json={"operations": ops, "reason": "OPS-1"}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    _, rows = state(client, headers, integration)
    reasons = {(r["name"], r["operation"]): r["reason"] for r in rows}
    assert reasons == {
        ("first", "CREATE"): None,
        ("first", "UPDATE"): "OPS-1",
        ("fresh", "CREATE"): "in the body",
        ("fresh2", "CREATE"): "on the operation",
        ("second", "CREATE"): None,
        ("second", "DELETE"): "gone for good",
    }
    too_long = [{"op": "delete", "id": first["id"], "reason": "x" * 1025}]
    problem = assert_problem(post(client, headers, integration, too_long), 422)
    assert "reason" in problem["errors"]["operations"]["0"]


def test_another_tenants_integration_is_404_like_a_random_id(
    client, headers, make_token, integration
):
    stranger = bearer(make_token(scopes=ALL_SCOPES, tenants=[str(uuid.uuid4())]))
    ops = [{"op": "create", "body": body("a")}]
    theirs = assert_problem(post(client, stranger, integration, ops), 404)
    random = assert_problem(post(client, headers, {"id": str(uuid.uuid4())}, ops), 404)
    assert (theirs["type"], theirs["detail"]) == (random["type"], random["detail"])
    assert "errors" not in theirs
    assert state(client, headers, integration) == ([], [])


def test_configs_of_other_integrations_or_tenants_are_not_found_by_index(
    client, headers, make_token, tenant, integration, new_integration, new_config
):
    mine = new_config(name="mine")
    elsewhere = new_integration()
    there = client.post(url(elsewhere), json=body("there"), headers=headers).get_json()
    ops = [
        {"op": "update", "id": mine["id"], "expectedVersion": 0, "body": body("mine", "x")},
        {"op": "delete", "id": there["id"]},
        {"op": "delete", "id": str(uuid.uuid4())},
    ]
    before = state(client, headers, integration)
    problem = assert_problem(post(client, headers, integration, ops), 404)
    failures = problem["errors"]["operations"]
    assert sorted(failures) == ["1", "2"]
    assert failures["1"] == failures["2"]
    assert failures["1"]["type"] == NOT_FOUND
    assert state(client, headers, integration) == before
    assert client.get(url(elsewhere, there), headers=headers).status_code == 200


def test_a_reader_cannot_post_a_batch(client, make_token, tenant, integration):
    reader = bearer(make_token(scopes=("ConnTenantConfigApi:TenantConfig:Read",), tenants=[tenant]))
    assert_problem(post(client, reader, integration, [{"op": "create", "body": body("a")}]), 403)
