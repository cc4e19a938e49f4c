"""POST /tenantintegrations/{ti}/configs/batch: every operation in order, all or none."""

from __future__ import annotations

import json
import uuid

import pytest

from tests.support.problems import assert_problem, bearer
from tests.support.tokens import ALL_SCOPES
from tests.support.urls import configs_url as url

DUPLICATE = "urn:tenant-config:problem:duplicate"
VERSION_CONFLICT = "urn:tenant-config:problem:version-conflict"
PRECONDITION_FAILED = "urn:tenant-config:problem:precondition-failed"
VALIDATION_FAILED = "urn:tenant-config:problem:validation-failed"
NOT_FOUND = "urn:tenant-config:problem:not-found"


def post(client, headers, integration, operations, query=""):
    body = {"operations": operations}
    return client.post(f"{url(integration)}/batch{query}", json=body, headers=headers)


def state(client, headers, integration) -> tuple[list, list]:
    """Every config and every history row of the integration, as the API lists them."""
    query = "?pageSize=100&pageSort=name"
    configs = client.get(f"{url(integration)}{query}", headers=headers).get_json()["content"]
    rows = client.get(f"{url(integration)}/versions{query}", headers=headers).get_json()
    return configs, rows["content"]


def body(name, value="v", **fields):
    return {"group": "g", "name": name, "value": value} | fields


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


def test_racing_batches_on_one_config_let_one_win_and_undo_the_other(api, rounds):
    integration = api.integration()
    path = f"/tenantintegrations/{integration['id']}/configs"
    for round_ in range(rounds):
        config = api.config(integration, f"c{round_}")
        etag = api.call("GET", f"{path}/{config['id']}").headers["ETag"]
        # Even rounds expect a version (409 for the loser), odd rounds an ETag (412).
        expect = {"expectedVersion": 0} if round_ % 2 == 0 else {"ifMatch": etag}
        values = [f"w{n}-{round_}" for n in range(2)]
        batches = [
            [
                {"op": "create", "body": body(f"new-{round_}-{n}")},
                {"op": "update", "id": config["id"], **expect, "body": body(config["name"], v)},
            ]
            for n, v in enumerate(values)
        ]
        answers = api.race(
            *[("POST", f"{path}/batch", {"json": {"operations": b}}) for b in batches]
        )
        loser_status = 409 if round_ % 2 == 0 else 412
        assert sorted(a.status_code for a in answers) == [200, loser_status]
        won = next(n for n, a in enumerate(answers) if a.status_code == 200)
        lost = answers[1 - won].json()
        assert list(lost["errors"]["operations"]) == ["1"]
        assert lost["errors"]["operations"]["1"]["currentVersion"] == 1
        stored = api.call("GET", f"{path}/{config['id']}").json()
        assert (stored["version"], stored["value"]) == (1, values[won])
        names = {
            c["name"] for c in api.call("GET", path, params={"pageSize": 100}).json()["content"]
        }
        assert f"new-{round_}-{won}" in names
        assert f"new-{round_}-{1 - won}" not in names
        history = api.history(integration)
        assert [(r["version"], r["operation"]) for r in history[config["id"]]] == [
            (0, "CREATE"),
            (1, "UPDATE"),
        ]
        assert history[config["id"]][1]["value"] == values[won]
        assert (
            sum(1 for rows in history.values() if rows[0]["name"].startswith("new-")) == round_ + 1
        )


def test_racing_skip_copies_of_one_name_create_it_once_and_skip_it_once(api, rounds):
    integration = api.integration()
    path = f"/tenantintegrations/{integration['id']}/configs"
    for round_ in range(rounds):
        name = f"shared-{round_}"
        ops = [{"op": "create", "body": body(name, f"from-{n}")} for n in range(2)]
        answers = api.race(
            *[
                ("POST", f"{path}/batch?onConflict=skip", {"json": {"operations": [op]}})
                for op in ops
            ]
        )
        assert [a.status_code for a in answers] == [200, 200]
        outcomes = sorted(a.json()["results"][0]["outcome"] for a in answers)
        assert outcomes == ["created", "skipped"]
        created = next(a for a in answers if a.json()["results"][0]["outcome"] == "created")
        listed = api.call("GET", path, params={"name": name}).json()["content"]
        assert [(c["name"], c["value"], c["version"]) for c in listed] == [
            (name, created.json()["results"][0]["config"]["value"], 0)
        ]
        rows = api.history(integration)[listed[0]["id"]]
        assert [(r["version"], r["operation"]) for r in rows] == [(0, "CREATE")]
