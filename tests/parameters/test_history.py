"""GET /connectors/{connector}/parameters/{name}/versions: a definition's append-only history."""

from __future__ import annotations

from tests.support.catalog import define
from tests.support.problems import assert_problem

VERSION_READ = "ConnTenantConfigApi:TenantConfigVersion:Read"


def url(code: str, name: str = "retries") -> str:
    return f"/connectors/{code}/parameters/{name}"


def ops(rows: list[dict]) -> list[tuple[int, str]]:
    return [(row["version"], row["operation"]) for row in rows]


def test_every_write_appends_one_row_with_the_full_definition(
    client, make_token, admin, connector, history
):
    created = define(client, make_token, connector, {"name": "retries", "type": "integer"})
    body = {"group": "settings", "name": "retries", "type": "integer", "maximum": 9}
    body |= {"reason": "cap the retries"}
    replaced = client.put(url(connector), json=body | {"version": 0}, headers=admin)
    assert replaced.status_code == 200, replaced.get_json()
    gone = client.delete(
        url(connector), headers=admin | {"If-Match": replaced.headers["ETag"], "Change-Reason": "x"}
    )
    assert gone.status_code == 204
    rows = history(connector, "retries")
    assert ops(rows) == [(0, "CREATE"), (1, "UPDATE"), (2, "DELETE")]
    assert {row["parameter"] for row in rows} == {created["id"]}
    assert [row["maximum"] for row in rows] == [None, 9, 9]
    assert [row["reason"] for row in rows] == [None, "cap the retries", "x"]
    assert rows[1]["jsonSchema"] == {"type": "integer", "maximum": 9}
    for row in rows:
        assert row["connector"] == connector
        assert {"createdAt", "updatedAt", "createdBy", "updatedBy", "id", "group"} <= row.keys()


def test_the_default_order_is_newest_first_and_pages(client, make_token, admin, connector):
    define(client, make_token, connector, {"name": "retries", "type": "integer"})
    for version in range(3):
        body = {"group": "g", "name": "retries", "type": "integer", "minimum": version}
        body["version"] = version
        assert client.put(url(connector), json=body, headers=admin).status_code == 200
    first = client.get(f"{url(connector)}/versions?pageSize=3", headers=admin).get_json()
    assert [row["version"] for row in first["content"]] == [3, 2, 1]
    assert first["page"] == {"number": 0, "size": 3, "totalElements": 4, "totalPages": 2}
    second = client.get(f"{url(connector)}/versions?pageSize=3&pageNumber=1", headers=admin)
    assert [row["version"] for row in second.get_json()["content"]] == [0]
    by_version = client.get(f"{url(connector)}/versions?pageSort=version,ASC", headers=admin)
    assert [row["version"] for row in by_version.get_json()["content"]] == [0, 1, 2, 3]


def test_a_replace_that_changes_nothing_appends_no_row(
    client, make_token, admin, connector, history
):
    define(client, make_token, connector, {"name": "retries", "type": "integer", "default": "3"})
    body = {"group": "settings", "name": "retries", "type": "integer", "default": 3, "version": 0}
    same = client.put(url(connector), json=body, headers=admin)
    assert same.status_code == 200
    assert same.get_json()["version"] == 0
    assert ops(history(connector, "retries")) == [(0, "CREATE")]


def test_the_history_outlives_the_definition_and_a_redefinition_gets_a_new_id(
    client, make_token, admin, connector, history
):
    first = define(client, make_token, connector, {"name": "retries", "type": "integer"})
    assert client.delete(url(connector), headers=admin).status_code == 204
    assert client.get(url(connector), headers=admin).status_code == 404
    assert ops(history(connector, "retries")) == [(0, "CREATE"), (1, "DELETE")]
    second = define(client, make_token, connector, {"name": "retries", "type": "string"})
    rows = history(connector, "retries")
    assert ops(rows) == [(0, "CREATE"), (1, "DELETE"), (0, "CREATE")]
    assert [row["parameter"] for row in rows] == [first["id"], first["id"], second["id"]]
    assert rows[-1]["type"] == "string"


def test_a_name_never_defined_and_an_unknown_connector_are_404(client, admin, connector):
    assert_problem(client.get(f"{url(connector, 'never')}/versions", headers=admin), 404)
    assert_problem(client.get(f"{url('NO_SUCH_CONNECTOR')}/versions", headers=admin), 404)


def test_history_carries_an_etag_and_answers_304(client, make_token, admin, connector):
    define(client, make_token, connector, {"name": "retries", "type": "integer"})
    first = client.get(f"{url(connector)}/versions", headers=admin)
    etag = first.headers["ETag"]
    again = client.get(f"{url(connector)}/versions", headers=admin | {"If-None-Match": etag})
    assert again.status_code == 304
    assert again.headers["ETag"] == etag
    body = {"group": "g", "name": "retries", "type": "integer", "version": 0}
    assert client.put(url(connector), json=body, headers=admin).status_code == 200
    changed = client.get(f"{url(connector)}/versions", headers=admin | {"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_history_needs_the_version_read_scope(client, make_token, connector):
    define(client, make_token, connector, {"name": "retries", "type": "integer"})
    reader = {"Authorization": f"Bearer {make_token(scopes=[VERSION_READ])}"}
    assert client.get(f"{url(connector)}/versions", headers=reader).status_code == 200
    config_reader = make_token(scopes=["ConnTenantConfigApi:TenantConfig:Read"])
    response = client.get(
        f"{url(connector)}/versions", headers={"Authorization": f"Bearer {config_reader}"}
    )
    assert_problem(response, 403)
    assert_problem(client.get(f"{url(connector)}/versions"), 401)


def test_history_refuses_unknown_query_parameters_and_sort_fields(
    client, make_token, admin, connector
):
    define(client, make_token, connector, {"name": "retries", "type": "integer"})
    for query in ("?colour=red", "?pageSort=value", "?pageSize=0"):
        response = client.get(f"{url(connector)}/versions{query}", headers=admin)
        assert assert_problem(response, 400)["type"] == "urn:tenant-config:problem:invalid-query"
