"""Odd input on the catalog's paths: a 4xx problem, never a 500, and nothing stored."""

from __future__ import annotations

import json

import pytest

from tenant_config.connectors.schemas import ConnectorWriteSchema
from tenant_config.parameters.schemas import ParameterWriteSchema
from tests.support.catalog import define
from tests.support.problems import assert_problem

# As a server hands them over (PATH_INFO is bytes read as latin-1): NUL, a lone surrogate in
# UTF-8 form, and a byte that starts no UTF-8 character.
ODD_BYTES = [b"\x00", b"\xed\xa0\x80", b"\xff"]
ODD_TEXT = ["\x00", "\ud800"]
BODY = {"group": "g", "name": "n", "type": "string", "version": 0}
ROUTES = [
    ("GET", "/connectors/{c}/parameters"),
    ("POST", "/connectors/{c}/parameters"),
    ("GET", "/connectors/{c}/parameters/{n}"),
    ("PUT", "/connectors/{c}/parameters/{n}"),
    ("DELETE", "/connectors/{c}/parameters/{n}"),
    ("GET", "/connectors/{c}/parameters/{n}/versions"),
    ("GET", "/connectors/{c}"),
    ("PUT", "/connectors/{c}"),
    ("DELETE", "/connectors/{c}"),
]


@pytest.fixture
def defined(client, make_token, connector) -> str:
    define(client, make_token, connector, {"name": "n", "type": "string"})
    return connector


def current(client, admin, code: str) -> tuple:
    connector = client.get(f"/connectors/{code}", headers=admin).get_json()
    names = client.get(f"/connectors/{code}/parameters", headers=admin).get_json()["content"]
    return connector["version"], [(p["name"], p["version"]) for p in names]


@pytest.mark.parametrize("odd", ODD_BYTES, ids=["nul", "surrogate", "ff"])
@pytest.mark.parametrize("segment", ["c", "n"])
def test_odd_bytes_in_a_path_segment_are_400(client, admin, defined, odd, segment):
    before = current(client, admin, defined)
    for method, route in ROUTES:
        if "{" + segment + "}" not in route:
            continue
        parts = {"c": defined, "n": "n"}
        parts[segment] += odd.decode("latin-1")
        body = {"displayName": "x"} if route == "/connectors/{c}" else BODY
        response = client.open(
            method=method,
            headers=admin,
            json=body if method in ("POST", "PUT") else None,
            environ_overrides={"PATH_INFO": route.format(**parts)},
        )
        problem = assert_problem(response, 400)
        assert problem["type"] == "urn:tenant-config:problem:bad-request", (method, route)
    assert current(client, admin, defined) == before


def test_unknown_query_parameters_are_400_on_every_route(client, admin, defined):
    before = current(client, admin, defined)
    for method, route in ROUTES:
        url = route.format(c=defined, n="n") + "?dryRun=true&colour=red"
        body = {"displayName": "x", "version": 0} if route == "/connectors/{c}" else BODY
        response = client.open(url, method=method, headers=admin, json=body)
        problem = assert_problem(response, 400)
        assert problem["type"] == "urn:tenant-config:problem:invalid-query", (method, route)
        assert "colour" in problem["detail"] + json.dumps(problem.get("errors", {}))
    assert current(client, admin, defined) == before


@pytest.mark.parametrize("odd", ODD_TEXT, ids=["nul", "surrogate"])
def test_odd_text_in_every_body_field_is_422(client, admin, defined, odd):
    before = current(client, admin, defined)
    writes = [
        ("POST", f"/connectors/{defined}/parameters", BODY | {"name": "fresh"}),
        ("PUT", f"/connectors/{defined}/parameters/n", BODY),
    ]
    failures = []
    dropped = {"id", "createdAt", "updatedAt", "createdBy", "updatedBy"}  # ignored, never stored
    for method, url, valid in writes:
        bodies = [valid | {f"a{odd}": "b"}, valid | {"type": "enum", "allowedValues": [f"a{odd}"]}]
        for field in set(ParameterWriteSchema().load_fields) - dropped:
            bodies.append(valid | {field: f"a{odd}b"})
        for body in bodies:
            data = json.dumps(body)  # a lone surrogate travels as the escape \ud800
            response = client.open(
                url, method=method, data=data, headers=admin, content_type="application/json"
            )
            if response.status_code != 422:
                failures.append((method, body, response.status_code))
    connector_body = {"displayName": "x", "version": 0}
    for field in set(ConnectorWriteSchema().load_fields) - dropped:
        response = client.put(
            f"/connectors/{defined}",
            data=json.dumps(connector_body | {field: f"a{odd}b"}),
            headers=admin,
            content_type="application/json",
        )
        if response.status_code != 422:
            failures.append(("PUT connector", field, response.status_code))
    assert not failures
    assert current(client, admin, defined) == before


def test_unknown_body_fields_are_422(client, admin, defined):
    for method, url in (
        ("POST", f"/connectors/{defined}/parameters"),
        ("PUT", f"/connectors/{defined}/parameters/n"),
        ("PUT", f"/connectors/{defined}"),
        ("DELETE", f"/connectors/{defined}/parameters/n"),
    ):
        body = (BODY | {"name": "fresh"}) if method == "POST" else BODY | {"displayName": "x"}
        if method == "DELETE":
            body = {"version": 0}
        response = client.open(url, method=method, json=body | {"colour": "red"}, headers=admin)
        problem = assert_problem(response, 422)
        assert "colour" in problem["errors"], (method, url)
    assert client.get(f"/connectors/{defined}/parameters/fresh", headers=admin).status_code == 404


def test_an_oversized_body_is_413(client, admin, defined):
    huge = BODY | {"name": "fresh", "description": "x" * 70_000}
    for method, url in (
        ("POST", f"/connectors/{defined}/parameters"),
        ("PUT", f"/connectors/{defined}/parameters/n"),
        ("PUT", f"/connectors/{defined}"),
    ):
        response = client.open(url, method=method, json=huge, headers=admin)
        assert assert_problem(response, 413)["type"] == (
            "urn:tenant-config:problem:payload-too-large"
        )
    assert client.get(f"/connectors/{defined}/parameters/fresh", headers=admin).status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        [],
        "text",
        {"group": "g", "name": "n", "type": "string", "version": "0"},
        {"group": "g", "name": "n", "type": "string", "version": 2**40},
        {"group": "g", "name": "n", "type": "integer", "minimum": "NaN", "version": 0},
        {"group": "g", "name": "n", "type": "integer", "minimum": 1e400, "version": 0},
        {"group": "g", "name": "n", "type": "json", "default": "[1, NaN]", "version": 0},
        {"group": "g", "name": "n", "type": "string", "maxLength": 1.5, "version": 0},
        {"group": "g", "name": "n", "type": "string", "default": None, "required": "yes"},
        {"group": "g", "name": "n", "type": "enum", "allowedValues": [], "version": 0},
        {"group": "g", "name": "n", "type": "enum", "allowedValues": [1], "version": 0},
        {"group": "g", "name": "n", "type": "boolean", "default": {"a": 1}, "version": 0},
        {"group": "g", "name": "n", "type": "secret", "default": "x", "version": 0},
    ],
)
def test_malformed_definitions_are_4xx_and_change_nothing(client, admin, defined, body):
    before = current(client, admin, defined)
    response = client.put(f"/connectors/{defined}/parameters/n", json=body, headers=admin)
    assert 400 <= response.status_code < 500, response.get_json()
    assert response.mimetype == "application/problem+json"
    assert current(client, admin, defined) == before
