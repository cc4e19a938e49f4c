"""PUT/DELETE/GET of /connectors: the catalog is data an administrator writes."""

from __future__ import annotations

import uuid

import pytest

from tests.support.bodies import integration_body
from tests.support.catalog import ADMIN_SCOPE, define
from tests.support.problems import assert_problem
from tests.support.tokens import ALL_SCOPES

PROBLEM = "urn:tenant-config:problem:"


@pytest.fixture
def admin(make_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(scopes=[ADMIN_SCOPE, *ALL_SCOPES])}"}


@pytest.fixture
def code() -> str:
    return f"TEST_{uuid.uuid4().hex[:12].upper()}"


def body(**overrides) -> dict:
    return {"displayName": "A connector", "description": "For tests.", "strict": False} | overrides


def test_put_creates_then_replaces_with_a_precondition(client, admin, code):
    created = client.put(f"/connectors/{code}", json=body(), headers=admin)
    assert created.status_code == 201, created.get_json()
    answer = created.get_json()
    assert (answer["code"], answer["version"], answer["displayName"]) == (code, 0, "A connector")
    assert answer["createdBy"] == "user1@companyxyz.com"
    missing = client.put(f"/connectors/{code}", json=body(displayName="B"), headers=admin)
    assert assert_problem(missing, 428)["type"] == PROBLEM + "precondition-required"
    etag = created.headers["ETag"]
    replaced = client.put(
        f"/connectors/{code}", json=body(displayName="B"), headers=admin | {"If-Match": etag}
    )
    assert replaced.status_code == 200
    assert (replaced.get_json()["version"], replaced.get_json()["displayName"]) == (1, "B")
    stale = client.put(
        f"/connectors/{code}", json=body(displayName="C"), headers=admin | {"If-Match": etag}
    )
    assert_problem(stale, 412)
    by_version = client.put(
        f"/connectors/{code}", json=body(displayName="C", version=1), headers=admin
    )
    assert by_version.status_code == 200
    stale_version = client.put(
        f"/connectors/{code}", json=body(displayName="D", version=1), headers=admin
    )
    assert assert_problem(stale_version, 409)["type"] == PROBLEM + "version-conflict"
    stored = client.get(f"/connectors/{code}", headers=admin).get_json()
    assert (stored["version"], stored["displayName"]) == (2, "C")


def test_put_of_a_new_connector_with_a_precondition_is_412(client, admin, code):
    response = client.put(f"/connectors/{code}", json=body(version=0), headers=admin)
    assert_problem(response, 412)
    assert client.get(f"/connectors/{code}", headers=admin).status_code == 404


@pytest.mark.parametrize(
    ("bad", "status"),
    [
        ("lower", 422),
        ("1ABC", 422),
        ("A-B", 422),
        ("_X", 422),
        ("A" * 65, 422),
        ("%C3%A9T%C3%89", 422),
        ("A%FFB", 422),
        ("A%00B", 400),
        ("A" * 256, 404),  # beyond any route
    ],
)
def test_put_refuses_a_code_that_is_not_one(client, admin, bad, status):
    response = client.put(f"/connectors/{bad}", json=body(), headers=admin)
    problem = assert_problem(response, status)
    if status == 422:
        assert problem["errors"].keys() == {"code"}
    assert client.get(f"/connectors/{bad}", headers=admin).status_code in (400, 404)


def test_put_refuses_a_body_code_that_differs_and_bad_fields(client, admin, code):
    for bad in (
        body(code="OTHER"),
        body(displayName=""),
        body(displayName="a\x00b"),
        body(colour="red"),
        body(strict="maybe"),
        body(description="x" * 1025),
    ):
        response = client.put(f"/connectors/{code}", json=bad, headers=admin)
        assert assert_problem(response, 422)["type"] == PROBLEM + "validation-failed", bad
    assert client.get(f"/connectors/{code}", headers=admin).status_code == 404


def test_writes_need_the_admin_scope(client, admin, headers, code):
    assert_problem(client.put(f"/connectors/{code}", json=body(), headers=headers), 403)
    assert client.get(f"/connectors/{code}", headers=admin).status_code == 404
    assert client.put(f"/connectors/{code}", json=body(), headers=admin).status_code == 201
    assert_problem(client.delete(f"/connectors/{code}", headers=headers), 403)
    assert client.get(f"/connectors/{code}", headers=admin).status_code == 200


def test_delete_takes_the_definitions_and_keeps_their_history(client, make_token, admin, code):
    assert client.put(f"/connectors/{code}", json=body(), headers=admin).status_code == 201
    define(client, make_token, code, {"name": "retries", "type": "integer"})
    stale = client.delete(f"/connectors/{code}", json={"version": 5}, headers=admin)
    assert_problem(stale, 409)
    assert client.delete(f"/connectors/{code}", headers=admin).status_code == 204
    assert_problem(client.get(f"/connectors/{code}", headers=admin), 404)
    assert_problem(client.get(f"/connectors/{code}/parameters", headers=admin), 404)
    rows = client.get(
        f"/connectors/{code}/parameters/retries/versions?pageSort=version", headers=admin
    ).get_json()["content"]
    assert [(r["operation"], r["reason"]) for r in rows] == [
        ("CREATE", None),
        ("DELETE", "Connector removed"),
    ]
    assert_problem(client.delete(f"/connectors/{code}", headers=admin), 404)


def test_a_connector_in_use_is_not_deleted(client, admin, headers, tenant, code):
    assert client.put(f"/connectors/{code}", json=body(), headers=admin).status_code == 201
    integration = integration_body(tenant, connector=code)
    created = client.post("/tenantintegrations", json=integration, headers=headers)
    assert created.status_code == 201, created.get_json()
    refused = client.delete(f"/connectors/{code}", headers=admin)
    assert assert_problem(refused, 409)["type"] == PROBLEM + "connector-in-use"
    assert client.get(f"/connectors/{code}", headers=admin).status_code == 200
    gone = client.delete(f"/tenantintegrations/{created.get_json()['id']}", headers=headers)
    assert gone.status_code == 204
    assert client.delete(f"/connectors/{code}", headers=admin).status_code == 204
    again = client.post("/tenantintegrations", json=integration, headers=headers)
    assert assert_problem(again, 422)["errors"].keys() == {"connector"}


def test_an_unknown_connector_is_422_for_an_integration(client, headers, tenant, code):
    response = client.post(
        "/tenantintegrations", json=integration_body(tenant, connector=code), headers=headers
    )
    assert assert_problem(response, 422)["errors"].keys() == {"connector"}


def test_the_list_pages_and_sorts(client, admin):
    codes = [f"TEST_SORT_{uuid.uuid4().hex[:8].upper()}_{n}" for n in range(3)]
    for code in codes:
        assert client.put(f"/connectors/{code}", json=body(), headers=admin).status_code == 201
    newest = client.get("/connectors?pageSize=3", headers=admin).get_json()
    assert [c["code"] for c in newest["content"]] == codes[::-1]
    assert newest["page"]["size"] == 3
    assert newest["page"]["totalElements"] >= 6
    by_code = client.get("/connectors?pageSort=code&pageSize=100", headers=admin).get_json()
    listed = [c["code"] for c in by_code["content"]]
    assert listed == sorted(listed)
    assert {"ARIBA2_OSERIES", "BIGCOMMERCE_OSERIES", "SAPTAX_OSERIES"} <= set(listed)
    second = client.get("/connectors?pageSize=1&pageNumber=1", headers=admin).get_json()
    assert [c["code"] for c in second["content"]] == [codes[1]]
    for query in ("?pageSort=colour", "?colour=red", "?pageSize=101"):
        response = client.get(f"/connectors{query}", headers=admin)
        assert assert_problem(response, 400)["type"] == PROBLEM + "invalid-query"


def test_one_connector_has_an_etag_and_answers_304(client, admin, headers):
    first = client.get("/connectors/SAPTAX_OSERIES", headers=headers)
    assert first.status_code == 200
    again = client.get(
        "/connectors/SAPTAX_OSERIES", headers=headers | {"If-None-Match": first.headers["ETag"]}
    )
    assert again.status_code == 304
    assert again.headers["ETag"] == first.headers["ETag"]
    listed = client.get("/connectors", headers=headers)
    cached = client.get("/connectors", headers=headers | {"If-None-Match": listed.headers["ETag"]})
    assert cached.status_code == 304
    assert_problem(client.get("/connectors/NO_SUCH_CONNECTOR", headers=headers), 404)
    assert_problem(client.get("/connectors/SAPTAX_OSERIES"), 401)


def test_a_connector_created_through_the_api_is_accepted_at_once(
    client, admin, headers, tenant, code
):
    assert client.put(f"/connectors/{code}", json=body(), headers=admin).status_code == 201
    response = client.post(
        "/tenantintegrations", json=integration_body(tenant, connector=code), headers=headers
    )
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["connector"] == code
