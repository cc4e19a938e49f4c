"""format=map on the connector lookup: `{group: {name: value}}`, each value of its defined type."""

from __future__ import annotations

import uuid

import pytest

from tests.support.catalog import admin_headers, own_connector
from tests.support.tokens import ALL_SCOPES
from tests.support.urls import lookup_url as lookup

INVALID_QUERY = "urn:tenant-config:problem:invalid-query"
MASK = "********"
# name: (definition, stored value, typed value)
TYPES = {
    "flag": ({"type": "boolean"}, "TRUE", True),
    "off": ({"type": "boolean"}, "false", False),
    "count": ({"type": "integer"}, "30", 30),
    "negative": ({"type": "integer"}, "-4", -4),
    "ratio": ({"type": "number"}, "1.5", 1.5),
    "whole": ({"type": "number"}, "2", 2.0),
    "mode": ({"type": "enum", "allowedValues": ["fast", "slow"]}, "fast", "fast"),
    "site": ({"type": "url"}, "https://example.com/x", "https://example.com/x"),
    "mail": ({"type": "email"}, "ops@example.com", "ops@example.com"),
    "doc": ({"type": "json"}, '{"a": [1, 2.5, null, "x"]}', {"a": [1, 2.5, None, "x"]}),
    "list": ({"type": "json"}, "[true]", [True]),
    "text": ({"type": "string"}, "30", "30"),  # a string stays a string, digits or not
}


def store(client, headers, integration, **body) -> dict:
    url = f"/tenantintegrations/{integration['id']}/configs"
    response = client.post(url, json={"group": "settings"} | body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def as_map(client, headers, integration, **query):
    response = client.get(
        lookup(integration), query_string={"format": "map"} | query, headers=headers
    )
    assert response.status_code == 200, response.get_json()
    return response


def force_define(client, make_token, code: str, parameter: dict) -> None:
    """Define a parameter that stored configs violate (force=true), as an administrator may."""
    url = f"/connectors/{code}/parameters"
    body = {"group": "settings"} | parameter
    response = client.post(
        url, json=body, query_string={"force": "true"}, headers=admin_headers(make_token)
    )
    assert response.status_code == 201, response.get_json()


def test_every_type_is_converted(client, make_token, headers, new_integration):
    definitions = [{"name": name} | definition for name, (definition, _, _) in TYPES.items()]
    code = own_connector(client, make_token, *definitions)
    integration = new_integration(connector=code)
    for name, (_definition, stored, _typed) in TYPES.items():
        store(client, headers, integration, name=name, value=stored)
    store(client, headers, integration, group="misc", name="freeForm", value="true")
    answer = as_map(client, headers, integration).get_json()
    assert answer == {
        "settings": {name: typed for name, (_d, _s, typed) in TYPES.items()},
        "misc": {"freeForm": "true"},  # no definition: the string as stored
    }
    assert type(answer["settings"]["count"]) is int
    assert type(answer["settings"]["whole"]) is float


def test_defaults_are_converted_too(client, make_token, headers, new_integration):
    code = own_connector(
        client,
        make_token,
        {"name": "enabled", "type": "boolean", "default": "true", "group": "log"},
        {"name": "days", "type": "integer", "default": "30", "group": "log"},
        {"name": "rate", "type": "number", "default": "0.25"},
        {"name": "extra", "type": "json", "default": '{"k": 1}'},
        {"name": "unset", "type": "integer"},
        {"name": "apiKey", "type": "secret"},
    )
    integration = new_integration(connector=code)
    store(client, headers, integration, group="log", name="days", value="7")
    answer = as_map(client, headers, integration, effective="true").get_json()
    assert answer == {
        "log": {"enabled": True, "days": 7},  # a stored value wins over the default
        "settings": {"rate": 0.25, "extra": {"k": 1}, "unset": None, "apiKey": None},
    }
    # Without effective=true, only what is stored.
    assert as_map(client, headers, integration).get_json() == {"log": {"days": 7}}


def test_values_stored_before_a_stricter_definition_come_back_as_strings(
    client, make_token, headers, new_integration
):
    code = own_connector(client, make_token)
    integration = new_integration(connector=code)
    bad = {"flag": "yes", "count": "3.5", "ratio": "NaN", "doc": "{not json", "big": "1e999"}
    for name, value in bad.items():
        store(client, headers, integration, name=name, value=value)
    for name, kind in (("flag", "boolean"), ("count", "integer"), ("ratio", "number")):
        force_define(client, make_token, code, {"name": name, "type": kind})
    force_define(client, make_token, code, {"name": "doc", "type": "json"})
    force_define(client, make_token, code, {"name": "big", "type": "number"})
    for query in ({}, {"effective": "true"}):
        answer = as_map(client, headers, integration, **query).get_json()
        assert answer == {"settings": bad}


def test_a_masked_secret_stays_the_mask_whatever_its_type(
    client, make_token, headers, sensitive_headers, new_integration
):
    code = own_connector(
        client,
        make_token,
        {"name": "pin", "type": "integer"},
        {"name": "apiKey", "type": "secret"},
    )
    integration = new_integration(connector=code)
    store(client, headers, integration, name="pin", value="1234", sensitive=True)
    store(client, headers, integration, name="apiKey", value="s3cr3t", sensitive=True)
    for query in ({}, {"effective": "true"}):
        masked = as_map(client, headers, integration, **query)
        revealed = as_map(client, sensitive_headers, integration, **query)
        assert masked.get_json() == {"settings": {"pin": MASK, "apiKey": MASK}}
        assert revealed.get_json() == {"settings": {"pin": 1234, "apiKey": "s3cr3t"}}
        assert "no-store" in revealed.headers["Cache-Control"]
        assert "no-store" not in masked.headers.get("Cache-Control", "")
        assert masked.headers["ETag"] != revealed.headers["ETag"]


def test_filters_narrow_the_map(client, make_token, headers, new_integration):
    code = own_connector(client, make_token, {"name": "a", "type": "integer", "default": "1"})
    integration = new_integration(connector=code)
    store(client, headers, integration, group="other", name="b", value="x")
    assert as_map(client, headers, integration, group="other").get_json() == {"other": {"b": "x"}}
    answer = as_map(client, headers, integration, effective="true", name="a").get_json()
    assert answer == {"settings": {"a": 1}}
    assert as_map(client, headers, integration, name="zzz").get_json() == {}


@pytest.mark.parametrize(
    "query",
    [{"pageSize": "5"}, {"pageNumber": "0"}, {"pageSort": "name,ASC"}, {"pageSort": ["", "name"]}],
)
def test_a_map_is_not_paged(client, headers, integration, query):
    query = {"format": "map"} | query
    response = client.get(lookup(integration), query_string=query, headers=headers)
    assert response.status_code == 400
    problem = response.get_json()
    assert problem["type"] == INVALID_QUERY
    assert set(problem["errors"]) == {name for name in query if name != "format"}


def test_empty_paging_parameters_are_absent_ones(client, headers, integration):
    query = {"format": "map", "pageSize": "", "pageSort": ""}
    response = client.get(lookup(integration), query_string=query, headers=headers)
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["MAP", "list", "json", "\x00", "map "])
def test_an_unknown_format_is_a_400(client, headers, integration, value):
    response = client.get(lookup(integration), query_string={"format": value}, headers=headers)
    assert response.status_code == 400


def test_format_page_is_todays_answer(client, headers, integration, new_config):
    new_config()
    plain = client.get(lookup(integration), headers=headers)
    paged = client.get(lookup(integration), query_string={"format": "page"}, headers=headers)
    assert paged.get_json() == plain.get_json()
    assert paged.headers["ETag"] == plain.headers["ETag"]
    assert set(plain.get_json()) == {"content", "page"}


def test_another_tenant_gets_an_empty_map(client, make_token, headers, integration, new_config):
    new_config(name="secretish", value="v")
    stranger = {
        "Authorization": f"Bearer {make_token(scopes=ALL_SCOPES, tenants=[str(uuid.uuid4())])}"
    }
    assert as_map(client, headers, integration).get_json() != {}
    assert as_map(client, stranger, integration).get_json() == {}


@pytest.mark.parametrize("query", [{}, {"effective": "true"}])
def test_map_etags_answer_304_until_a_change(client, make_token, headers, new_integration, query):
    code = own_connector(client, make_token, {"name": "n", "type": "integer", "default": "1"})
    integration = new_integration(connector=code)
    store(client, headers, integration, name="m", value="2")
    first = as_map(client, headers, integration, **query)
    tag = first.headers["ETag"]
    page = client.get(lookup(integration), query_string=query, headers=headers)
    assert page.headers["ETag"] != tag  # another representation, another ETag
    again = client.get(
        lookup(integration),
        query_string={"format": "map"} | query,
        headers=headers | {"If-None-Match": tag},
    )
    assert (again.status_code, again.headers["ETag"]) == (304, tag)
    assert again.get_data() == b""
    store(client, headers, integration, name="o", value="3")
    changed = client.get(
        lookup(integration),
        query_string={"format": "map"} | query,
        headers=headers | {"If-None-Match": tag},
    )
    assert changed.status_code == 200
    assert changed.headers["ETag"] != tag
    assert changed.get_json()["settings"]["o"] == "3"


def test_a_map_as_of_an_instant_types_the_values_then_stored(
    client, make_token, headers, new_integration
):
    code = own_connector(client, make_token, {"name": "n", "type": "integer"})
    integration = new_integration(connector=code)
    created = store(client, headers, integration, name="n", value="5")
    url = f"/tenantintegrations/{integration['id']}/configs/{created['id']}"
    body = {"group": "settings", "name": "n", "value": "6", "version": 0}
    assert client.put(url, json=body, headers=headers).status_code == 200
    answer = as_map(client, headers, integration, asOf=created["updatedAt"]).get_json()
    assert answer == {"settings": {"n": 5}}
    assert as_map(client, headers, integration).get_json() == {"settings": {"n": 6}}
