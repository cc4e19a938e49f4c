"""Writes of definitions: create, replace and delete with the documented answers and locking."""

from __future__ import annotations

from tests.support.catalog import define
from tests.support.problems import assert_problem

PROBLEM = "urn:tenant-config:problem:"


def url(code: str, name: str = "retries") -> str:
    return f"/connectors/{code}/parameters/{name}"


def body(**overrides) -> dict:
    return {"group": "settings", "name": "retries", "type": "integer"} | overrides


def test_create_answers_201_with_location_and_etag(client, admin, connector, history):
    response = client.post(
        f"/connectors/{connector}/parameters", json=body(default=3), headers=admin
    )
    assert response.status_code == 201, response.get_json()
    created = response.get_json()
    assert response.headers["Location"].endswith(url(connector))
    assert (created["version"], created["connector"], created["default"]) == (0, connector, "3")
    assert created["invalidConfigs"] == []
    assert created["dryRun"] is False
    read = client.get(url(connector), headers=admin)
    assert read.headers["ETag"] == response.headers["ETag"]
    assert read.get_json() | {"invalidConfigs": [], "dryRun": False} == created
    again = client.get(url(connector), headers=admin | {"If-None-Match": read.headers["ETag"]})
    assert again.status_code == 304
    assert [row["operation"] for row in history(connector, "retries")] == ["CREATE"]


def test_a_duplicate_name_is_409_and_an_unknown_connector_404(client, admin, connector):
    assert client.post(f"/connectors/{connector}/parameters", json=body(), headers=admin)
    duplicate = client.post(
        f"/connectors/{connector}/parameters", json=body(type="string"), headers=admin
    )
    assert assert_problem(duplicate, 409)["type"] == PROBLEM + "duplicate"
    assert client.get(url(connector), headers=admin).get_json()["type"] == "integer"
    unknown = client.post("/connectors/NO_SUCH_ONE/parameters", json=body(), headers=admin)
    assert assert_problem(unknown, 404)["type"] == PROBLEM + "not-found"


def test_a_body_naming_another_connector_is_422(client, admin, connector):
    response = client.post(
        f"/connectors/{connector}/parameters",
        json=body(connector="BIGCOMMERCE_OSERIES"),
        headers=admin,
    )
    assert assert_problem(response, 422)["errors"].keys() == {"connector"}
    assert client.get(url(connector), headers=admin).status_code == 404


def test_replace_needs_a_precondition_and_refuses_stale_ones(
    client, make_token, admin, connector, history
):
    created = define(client, make_token, connector, body())
    etag = client.get(url(connector), headers=admin).headers["ETag"]
    missing = client.put(url(connector), json=body(maximum=5), headers=admin)
    assert assert_problem(missing, 428)["type"] == PROBLEM + "precondition-required"
    first = client.put(url(connector), json=body(maximum=5), headers=admin | {"If-Match": etag})
    assert first.status_code == 200
    assert first.get_json()["version"] == 1
    assert first.headers["ETag"] != etag
    stale_etag = client.put(
        url(connector), json=body(maximum=6), headers=admin | {"If-Match": etag}
    )
    assert assert_problem(stale_etag, 412)["currentVersion"] == 1
    stale_version = client.put(url(connector), json=body(maximum=6, version=0), headers=admin)
    problem = assert_problem(stale_version, 409)
    assert (problem["type"], problem["currentVersion"]) == (PROBLEM + "version-conflict", 1)
    stored = client.get(url(connector), headers=admin).get_json()
    assert (stored["version"], stored["maximum"], stored["id"]) == (1, 5, created["id"])
    assert [row["version"] for row in history(connector, "retries")] == [0, 1]


def test_replace_keeps_the_name_and_the_connector(client, make_token, admin, connector):
    define(client, make_token, connector, body())
    renamed = client.put(url(connector), json=body(name="other", version=0), headers=admin)
    assert assert_problem(renamed, 422)["errors"].keys() == {"name"}
    moved = client.put(url(connector), json=body(connector="X", version=0), headers=admin)
    assert assert_problem(moved, 422)["errors"].keys() == {"connector"}
    missing = client.put(
        url(connector, "nothing"), json=body(name="nothing", version=0), headers=admin
    )
    assert_problem(missing, 404)
    assert client.get(url(connector, "other"), headers=admin).status_code == 404
    assert client.get(url(connector), headers=admin).get_json()["version"] == 0


def test_replace_with_an_unsound_definition_is_422_and_changes_nothing(
    client, make_token, admin, connector
):
    define(client, make_token, connector, body())
    for bad in (
        body(type="colour"),
        body(minimum=5, maximum=1),
        body(type="enum"),
        body(type="string", pattern="("),
        body(default="many"),
        body(type="secret", default="x"),
        body(maxLength=10),
    ):
        response = client.put(url(connector), json=bad | {"version": 0}, headers=admin)
        assert assert_problem(response, 422)["type"] == PROBLEM + "validation-failed", bad
    assert client.get(url(connector), headers=admin).get_json()["version"] == 0


def test_delete_honours_if_match_and_body_version(client, make_token, admin, connector, history):
    define(client, make_token, connector, body())
    etag = client.get(url(connector), headers=admin).headers["ETag"]
    assert client.put(url(connector), json=body(maximum=2, version=0), headers=admin)
    stale = client.delete(url(connector), headers=admin | {"If-Match": etag})
    assert_problem(stale, 412)
    stale_version = client.delete(url(connector), json={"version": 0}, headers=admin)
    assert_problem(stale_version, 409)
    assert client.get(url(connector), headers=admin).status_code == 200
    gone = client.delete(url(connector), json={"version": 1, "reason": "unused"}, headers=admin)
    assert gone.status_code == 204
    assert_problem(client.delete(url(connector), headers=admin), 404)
    rows = history(connector, "retries")
    assert [(row["operation"], row["reason"]) for row in rows][-1] == ("DELETE", "unused")
    assert rows[-1]["updatedBy"] == "user1@companyxyz.com"


def test_writes_need_the_admin_scope(client, make_token, headers, connector):
    define(client, make_token, connector, body())
    for method, path in (
        ("post", f"/connectors/{connector}/parameters"),
        ("put", url(connector)),
        ("delete", url(connector)),
    ):
        response = getattr(client, method)(path, json=body(version=0), headers=headers)
        assert assert_problem(response, 403)["type"] == PROBLEM + "insufficient-scope"
    assert client.get(url(connector), headers=headers).get_json()["version"] == 0
