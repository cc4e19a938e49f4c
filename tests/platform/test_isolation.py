"""Tenant isolation: another tenant's rows are invisible, by id (404 like any missing id) and in
every list; claims decide visibility, and odd claims are refused."""

from __future__ import annotations

import uuid

import pytest

from tests.support.bodies import config_body, integration_body
from tests.support.problems import assert_problem
from tests.support.tenants import make_tenant, snapshot


@pytest.fixture
def b(client, make_token):
    """Tenant B's integration, config and history."""
    return make_tenant(client, make_token)


ROUTES = [
    "get-integration",
    "put-integration",
    "delete-integration",
    "list-configs",
    "create-config",
    "get-config",
    "put-config",
    "delete-config",
    "list-versions",
]


def _attacks(b):
    """Every route, aimed at B's ids: (method, url, json body, extra headers)."""
    i, c = b.integration, b.config
    ti = f"/tenantintegrations/{i['id']}"
    fixed = {k: i[k] for k in ("name", "client", "tenant", "partnerTenant", "connector")}
    return [
        ("GET", ti, None),
        ("PUT", ti, fixed | {"version": i["version"]}),
        ("DELETE", f"{ti}?cascade=true", None),
        ("GET", f"{ti}/configs", None),
        ("POST", f"{ti}/configs", config_body()),
        ("GET", f"{ti}/configs/{c['id']}", None),
        ("PUT", f"{ti}/configs/{c['id']}", config_body(name=c["name"], version=c["version"])),
        ("DELETE", f"{ti}/configs/{c['id']}", None),
        ("GET", f"{ti}/configs/versions", None),
    ]


def _randomized(url: str, b) -> tuple[str, list[str]]:
    """`url` with B's ids replaced by random ones, and the ids that now stand in it."""
    ids = {b.integration["id"]: str(uuid.uuid4()), b.config["id"]: str(uuid.uuid4())}
    for mine, random in ids.items():
        url = url.replace(mine, random)
    return url, list(ids.values())


def _normalised(response, ids: list[str]) -> tuple[dict, list[tuple[str, str]]]:
    """The whole answer, less what differs per request: trace id, time and the ids asked for."""
    body = response.get_json() | {"traceId": "<trace>", "timestamp": "<time>"}
    for value in ids:
        body["instance"] = body["instance"].replace(value, "<id>")
    headers = sorted((k, v) for k, v in response.headers if k != "X-Request-ID")
    return body, headers


@pytest.mark.parametrize("index", range(len(ROUTES)), ids=ROUTES)
def test_other_tenants_ids_look_like_random_ids(client, headers, b, index):
    """Byte for byte, but for the trace id, the time and the id itself."""
    before = snapshot(client, b)
    method, url, body = _attacks(b)[index]
    response = client.open(url, method=method, json=body, headers=headers)
    assert_problem(response, 404)
    random_url, random_ids = _randomized(url, b)
    random_response = client.open(random_url, method=method, json=body, headers=headers)
    assert_problem(random_response, 404)
    b_ids = [b.integration["id"], b.config["id"]]
    assert _normalised(response, b_ids) == _normalised(random_response, random_ids)
    assert response.headers.get("ETag") is None
    assert snapshot(client, b) == before


@pytest.mark.parametrize("if_match", [True, False])
def test_writes_with_b_etags_change_nothing(client, headers, b, if_match):
    before = snapshot(client, b)
    etag = client.get(b.config_url, headers=b.headers).headers["ETag"]
    extra = {"If-Match": etag} if if_match else {}
    for method in ("PUT", "DELETE"):
        body = config_body(name=b.config["name"]) if method == "PUT" else None
        response = client.open(b.config_url, method=method, json=body, headers=headers | extra)
        assert_problem(response, 404)
    assert snapshot(client, b) == before


def test_mixing_own_and_foreign_ids(client, headers, b, integration, new_config):
    mine = new_config()
    own_ti = f"/tenantintegrations/{integration['id']}"
    assert_problem(client.get(f"{own_ti}/configs/{b.config['id']}", headers=headers), 404)
    url = f"{b.integration_url}/configs/{mine['id']}"
    assert_problem(client.get(url, headers=headers), 404)
    assert_problem(client.get(f"{own_ti}/configs/{b.config['id']}", headers=b.headers), 404)


def test_lists_never_show_b(client, headers, b, integration, new_config):
    mine = new_config()
    bi = b.integration
    queries = [
        {},
        {"tenant": b.tenant},
        {"client": bi["client"]},
        {"partnerTenant": bi["partnerTenant"]},
        {"name": bi["name"], "connector": bi["connector"]},
        {"pageSize": 100, "pageSort": "createdAt,DESC"},
    ]
    for query in queries:
        response = client.get(
            "/tenantintegrations", query_string=query, headers=headers | {"X-Tenant-Id": b.tenant}
        )
        assert response.status_code == 200, response.get_json()
        ids = {row["id"] for row in response.get_json()["content"]}
        assert bi["id"] not in ids
        assert all(row["tenant"] == integration["tenant"] for row in response.get_json()["content"])
    own = f"/tenantintegrations/{integration['id']}/configs"
    for url in (own, f"{own}/versions"):
        rows = client.get(url, query_string={"name": b.config["name"]}, headers=headers)
        assert rows.get_json()["content"] == []
        rows = client.get(url, headers=headers).get_json()["content"]
        assert {r.get("tenantConfig", r["id"]) for r in rows} == {mine["id"]}


def test_lookup_never_shows_b(client, headers, b):
    url = (
        f"/connectors/{b.integration['connector']}/partnertenants/{b.integration['partnerTenant']}"
    )
    for query in ({}, {"name": b.config["name"]}, {"group": b.config["group"]}):
        response = client.get(f"{url}/configs", query_string=query, headers=headers)
        assert response.status_code == 200, response.get_json()
        assert response.get_json()["content"] == []
        assert response.get_json()["page"]["totalElements"] == 0
    assert len(client.get(f"{url}/configs", headers=b.headers).get_json()["content"]) == 1


def test_create_integration_outside_the_claims_is_forbidden(client, headers, tenant, b):
    for body in (
        integration_body(b.tenant),
        integration_body(str(uuid.uuid4())),
        integration_body(b.tenant, client=b.integration["client"]),
    ):
        response = client.post("/tenantintegrations", json=body, headers=headers)
        assert_problem(response, 403)
    listed = client.get("/tenantintegrations", query_string={"tenant": b.tenant}, headers=b.headers)
    assert listed.get_json()["page"]["totalElements"] == 1


def test_config_bodies_cannot_point_at_another_tenant(client, headers, integration, b):
    url = f"/tenantintegrations/{integration['id']}/configs"
    for foreign in ({"tenant": b.tenant}, {"integration": b.integration["id"]}):
        response = client.post(url, json=config_body(**foreign), headers=headers)
        assert_problem(response, 422)
    versions = client.get(f"{b.integration_url}/configs/versions", headers=b.headers)
    assert versions.get_json()["page"]["totalElements"] == 2
