"""Every error is an RFC 9457 problem: routing, bodies, unexpected failures, database outages."""

from __future__ import annotations

import socket
import uuid

from tests.support.bodies import integration_body

PROBLEM_MEMBERS = {"type", "title", "status", "detail", "instance", "timestamp", "traceId"}


def assert_problem(response, status: int) -> dict:
    assert response.status_code == status
    assert response.mimetype == "application/problem+json"
    problem = response.get_json()
    assert set(problem) >= PROBLEM_MEMBERS
    assert problem["status"] == status
    assert problem["type"].startswith("urn:tenant-config:problem:")
    assert response.headers["X-Request-ID"] == problem["traceId"]
    assert "Traceback" not in response.get_data(as_text=True)
    return problem


def test_unknown_route_is_a_404_problem(client):
    problem = assert_problem(client.get("/nowhere"), 404)
    assert problem["instance"] == "/nowhere"


def test_wrong_method_is_a_405_problem_with_allow(client, headers):
    response = client.patch("/tenantintegrations", headers=headers)
    assert_problem(response, 405)
    assert "POST" in response.headers["Allow"]


def test_malformed_json_is_400(client, headers, integration):
    url = f"/tenantintegrations/{integration['id']}/configs"
    for body in (b"{not json", b'{"a": 1', b"\xff\xfe", b"[" * 20000 + b"]" * 20000):
        response = client.post(url, data=body, headers=headers, content_type="application/json")
        problem = assert_problem(response, 400)
        assert problem["type"] == "urn:tenant-config:problem:bad-request"


def test_a_body_that_is_not_json_is_415(client, headers, integration):
    url = f"/tenantintegrations/{integration['id']}/configs"
    response = client.post(url, data="group=g&name=n", headers=headers, content_type="text/plain")
    assert_problem(response, 415)
    form = client.post(url, data={"group": "g", "name": "n"}, headers=headers)
    assert_problem(form, 415)


def test_a_body_over_64_kib_is_413_and_nothing_is_stored(client, headers, integration):
    url = f"/tenantintegrations/{integration['id']}/configs"
    body = {"group": "g", "name": "n", "description": "x" * (65 * 1024)}
    assert_problem(client.post(url, json=body, headers=headers), 413)
    assert client.get(url, headers=headers).get_json()["page"]["totalElements"] == 0


def test_validation_problem_lists_fields_and_carries_the_caller(client, headers, integration):
    url = f"/tenantintegrations/{integration['id']}/configs"
    body = {"name": 3, "sensitive": "perhaps"}
    problem = assert_problem(client.post(url, json=body, headers=headers), 422)
    assert set(problem["errors"]) == {"name", "sensitive"}
    assert problem["encounteredBy"] == "user1@companyxyz.com"


def test_trace_id_comes_from_traceparent_or_request_id(client):
    trace = "4bf92f3577b34da6a3ce929d0e0e4736"
    response = client.get("/nowhere", headers={"traceparent": f"00-{trace}-00f067aa0ba902b7-01"})
    assert response.get_json()["traceId"] == trace
    response = client.get("/nowhere", headers={"X-Request-ID": "req-42"})
    assert response.get_json()["traceId"] == response.headers["X-Request-ID"] == "req-42"
    forged = client.get("/nowhere", headers={"X-Request-ID": "bad value <script>" + "x" * 200})
    assert uuid.UUID(forged.get_json()["traceId"])


def test_an_unexpected_exception_is_a_bare_500(app, client, headers, integration, monkeypatch):
    from tenant_config.configs import service

    def explode(**_kwargs):
        raise RuntimeError("secret-detail-that-must-not-leak")

    monkeypatch.setattr(service, "list_configs", explode)
    response = client.get(f"/tenantintegrations/{integration['id']}/configs", headers=headers)
    problem = assert_problem(response, 500)
    assert "secret-detail" not in response.get_data(as_text=True)
    assert problem["type"] == "urn:tenant-config:problem:internal-error"


def test_a_database_that_cannot_be_reached_is_503(make_app, headers):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    down = make_app(database_url=f"postgresql+psycopg://postgres@127.0.0.1:{port}/none")
    response = down.test_client().get("/tenantintegrations", headers=headers)
    problem = assert_problem(response, 503)
    assert response.headers["Retry-After"]
    assert "127.0.0.1" not in problem["detail"]


def _state(client, headers, integration) -> tuple:
    """What the API shows of an integration: itself, its configs, its history."""
    base = f"/tenantintegrations/{integration['id']}"
    return tuple(
        client.get(path, headers=headers).get_json()
        for path in (base, f"{base}/configs", f"{base}/configs/versions")
    )


def test_writes_refused_by_the_database_change_nothing(client, headers, integration, new_config):
    """The database refuses these after the service has started writing; all is rolled back."""
    taken, mine = new_config(name="taken"), new_config(name="mine", value="v0")
    configs = f"/tenantintegrations/{integration['id']}/configs"
    before = _state(client, headers, integration)

    renamed = client.put(
        f"{configs}/{mine['id']}",
        json={"group": "g", "name": taken["name"], "value": "v1", "version": 0},
        headers=headers,
    )
    copied = client.post(configs, json={"group": "g", "name": taken["name"]}, headers=headers)
    twin = client.post(
        "/tenantintegrations",
        json=integration_body(integration["tenant"], partnerTenant=integration["partnerTenant"]),
        headers=headers,
    )

    assert [r.status_code for r in (renamed, copied, twin)] == [409, 409, 409]
    assert _state(client, headers, integration) == before
