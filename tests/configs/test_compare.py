"""Comparing two integrations' configs, and copying one's configs to another (onConflict)."""

from __future__ import annotations

import uuid

import pytest

from tests.support.bodies import integration_body
from tests.support.problems import assert_problem, bearer
from tests.support.tokens import ALL_SCOPES
from tests.support.urls import configs_url as url

DUPLICATE = "urn:tenant-config:problem:duplicate"


def compare(client, headers, integration, other):
    return client.get(f"{url(integration)}/compare?with={other['id']}", headers=headers)


def add(client, headers, integration, **body):
    answer = client.post(url(integration), json={"group": "g"} | body, headers=headers)
    assert answer.status_code == 201, answer.get_json()
    return answer.get_json()


def configs(client, headers, integration) -> dict[str, dict]:
    answer = client.get(f"{url(integration)}?pageSize=100", headers=headers)
    return {row["name"]: row for row in answer.get_json()["content"]}


@pytest.fixture
def test_and_production(client, headers, integration, new_integration):
    """A tested integration and a production one: configs that agree, differ or are one-sided."""
    production = new_integration()
    add(client, headers, integration, name="same", value="1")
    add(client, headers, production, name="same", value="1")
    add(client, headers, integration, name="changed", value="new", label="L", group="a")
    add(client, headers, production, name="changed", value="old", label="L", group="b")
    add(client, headers, integration, name="onlyTest", value="x")
    add(client, headers, production, name="onlyProd", value="y", group="p")
    add(client, headers, integration, name="key", value="test-secret", sensitive=True)
    add(client, headers, production, name="key", value="prod-secret", sensitive=True)
    add(client, headers, integration, name="sameKey", value="shared", sensitive=True)
    add(client, headers, production, name="sameKey", value="shared", sensitive=True)
    return integration, production


def test_compare_lists_one_sided_different_and_same_names(
    client, sensitive_headers, test_and_production
):
    tested, production = test_and_production
    answer = compare(client, sensitive_headers, tested, production)
    assert answer.status_code == 200, answer.get_json()
    assert answer.headers["Cache-Control"] == "no-store"
    assert answer.get_json() == {
        "integration": tested["id"],
        "with": production["id"],
        "onlyHere": [{"name": "onlyTest", "group": "g"}],
        "onlyThere": [{"name": "onlyProd", "group": "p"}],
        "different": [
            {
                "name": "changed",
                "changes": [
                    {"field": "group", "here": "a", "there": "b"},
                    {"field": "value", "here": "new", "there": "old"},
                ],
            },
            {
                "name": "key",
                "changes": [{"field": "value", "here": "test-secret", "there": "prod-secret"}],
            },
        ],
        "same": ["same", "sameKey"],
    }


def test_secrets_are_not_compared_for_a_caller_who_cannot_read_them(
    client, headers, test_and_production
):
    tested, production = test_and_production
    answer = compare(client, headers, tested, production)
    assert answer.headers["Cache-Control"] == "private"
    for secret in (b"test-secret", b"prod-secret", b"shared", b"********"):
        assert secret not in answer.data
    body = answer.get_json()
    not_compared = [{"field": "value", "compared": False}]
    different = {entry["name"]: entry["changes"] for entry in body["different"]}
    # Equal and unequal secrets look alike: the answer confirms no guess.
    assert different["key"] == different["sameKey"] == not_compared
    assert body["same"] == ["same"]


def test_another_tenants_integration_on_either_side_is_404_like_a_random_id(
    client, headers, make_token, integration
):
    stranger = str(uuid.uuid4())
    theirs_token = bearer(make_token(scopes=ALL_SCOPES, tenants=[stranger]))
    body = integration_body(stranger)
    other_tenant = client.post("/tenantintegrations", json=body, headers=theirs_token).get_json()
    random = {"id": str(uuid.uuid4())}
    answers = [
        compare(client, headers, integration, other_tenant),
        compare(client, headers, other_tenant, integration),
        compare(client, headers, integration, random),
        compare(client, headers, random, integration),
    ]
    problems = [assert_problem(answer, 404) for answer in answers]
    assert len({(p["type"], p["detail"]) for p in problems}) == 1
    assert compare(client, theirs_token, other_tenant, other_tenant).status_code == 200


@pytest.mark.parametrize("query", ["", "?with=", "?with=nope", "?with=1&other=2"])
def test_a_missing_or_bad_with_is_400(client, headers, integration, query):
    answer = client.get(f"{url(integration)}/compare{query}", headers=headers)
    assert_problem(answer, 400)


def test_compare_needs_the_read_scope(client, make_token, tenant, integration):
    writer = bearer(
        make_token(scopes=("ConnTenantConfigApi:TenantConfig:Write",), tenants=[tenant])
    )
    assert_problem(compare(client, writer, integration, integration), 403)


def copy(client, headers, source, target, policy=None):
    document = client.get(f"{url(source)}/export", headers=headers).get_json()
    query = f"?onConflict={policy}" if policy else ""
    return client.post(f"{url(target)}/batch{query}", json=document, headers=headers)


@pytest.mark.parametrize("policy", [None, "abort"])
def test_copying_onto_existing_names_aborts_by_default(
    client, sensitive_headers, test_and_production, policy
):
    tested, production = test_and_production
    before = configs(client, sensitive_headers, production)
    problem = assert_problem(copy(client, sensitive_headers, tested, production, policy), 409)
    assert problem["type"] == DUPLICATE
    assert len(problem["errors"]["operations"]) == 4  # changed, key, same, sameKey
    assert configs(client, sensitive_headers, production) == before


def test_skip_adds_only_the_missing_names(client, sensitive_headers, test_and_production):
    tested, production = test_and_production
    before = configs(client, sensitive_headers, production)
    answer = copy(client, sensitive_headers, tested, production, "skip")
    assert answer.status_code == 200, answer.get_json()
    outcomes = {r["config"]["name"]: r["outcome"] for r in answer.get_json()["results"]}
    assert outcomes == {
        "changed": "skipped",
        "key": "skipped",
        "onlyTest": "created",
        "same": "skipped",
        "sameKey": "skipped",
    }
    after = configs(client, sensitive_headers, production)
    assert {k: v for k, v in after.items() if k != "onlyTest"} == before
    assert after["onlyTest"]["value"] == "x"


def test_overwrite_updates_existing_names_each_as_a_new_version(
    client, sensitive_headers, test_and_production
):
    tested, production = test_and_production
    before = configs(client, sensitive_headers, production)
    answer = copy(client, sensitive_headers, tested, production, "overwrite")
    assert answer.status_code == 200, answer.get_json()
    outcomes = {r["config"]["name"]: r["outcome"] for r in answer.get_json()["results"]}
    assert outcomes == {
        "changed": "updated",
        "key": "updated",
        "onlyTest": "created",
        "same": "unchanged",
        "sameKey": "unchanged",
    }
    after = configs(client, sensitive_headers, production)
    assert (after["changed"]["value"], after["changed"]["group"]) == ("new", "a")
    assert after["changed"]["version"] == before["changed"]["version"] + 1
    assert after["key"]["value"] == "test-secret"
    assert after["onlyProd"] == before["onlyProd"]
    assert compare(client, sensitive_headers, tested, production).get_json()["different"] == []
    rows = client.get(
        f"{url(production)}/versions?name=changed&pageSort=version", headers=sensitive_headers
    ).get_json()["content"]
    assert [(r["version"], r["operation"], r["value"]) for r in rows] == [
        (0, "CREATE", "old"),
        (1, "UPDATE", "new"),
    ]


def test_a_skip_or_overwrite_copy_that_fails_changes_nothing(
    client, headers, sensitive_headers, test_and_production
):
    tested, production = test_and_production
    before = configs(client, sensitive_headers, production)
    document = client.get(f"{url(tested)}/export", headers=headers).get_json()
    for policy in ("skip", "overwrite"):
        answer = client.post(
            f"{url(production)}/batch?onConflict={policy}", json=document, headers=headers
        )
        problem = assert_problem(answer, 422)  # the secrets were left out of this export
        assert len(problem["errors"]["operations"]) == 2
        assert configs(client, sensitive_headers, production) == before
