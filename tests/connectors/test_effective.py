"""effective=true on the connector lookup: every defined parameter, stored or by default."""

from __future__ import annotations

import uuid

import pytest

from tests.support.catalog import ADMIN_SCOPE, own_connector
from tests.support.tokens import ALL_SCOPES
from tests.support.urls import lookup_url as lookup

INVALID_QUERY = "urn:tenant-config:problem:invalid-query"
BASE_FIELDS = ("id", "version", "createdAt", "updatedAt", "createdBy", "updatedBy")
DEFINITIONS = (
    {"name": "logEnabled", "type": "boolean", "default": "true", "label": "Log", "group": "log"},
    {"name": "retries", "type": "integer", "default": "3", "description": "How often"},
    {"name": "taxCode", "type": "string"},
    {"name": "apiKey", "type": "secret", "group": "credentials"},
)


def store(client, headers, integration, **body) -> dict:
    url = f"/tenantintegrations/{integration['id']}/configs"
    response = client.post(url, json={"group": "settings"} | body, headers=headers)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


@pytest.fixture
def world(client, make_token, headers, new_integration):
    """A connector of the test's own with four definitions, and an integration storing two
    of them (one overriding a default) plus a free-form config."""
    code = own_connector(client, make_token, *DEFINITIONS)
    integration = new_integration(connector=code)
    stored = {
        "retries": store(client, headers, integration, name="retries", value="7"),
        "apiKey": store(
            client,
            headers,
            integration,
            group="credentials",
            name="apiKey",
            value="s3cr3t",
            sensitive=True,
        ),
        "freeForm": store(client, headers, integration, group="misc", name="freeForm", value="x"),
    }
    return integration, stored


def by_name(answer: dict) -> dict[str, dict]:
    return {item["name"]: item for item in answer["content"]}


def test_effective_marks_stored_configs_and_fills_in_defaults(client, headers, world):
    integration, stored = world
    response = client.get(lookup(integration), query_string={"effective": "true"}, headers=headers)
    assert response.status_code == 200
    items = by_name(response.get_json())
    assert set(items) == {"logEnabled", "retries", "taxCode", "apiKey", "freeForm"}
    assert response.get_json()["page"]["totalElements"] == 5
    assert {name: item["source"] for name, item in items.items()} == {
        "logEnabled": "default",
        "retries": "config",  # the stored value overrides the default 3
        "taxCode": "default",
        "apiKey": "config",
        "freeForm": "config",  # no definition: still part of the configuration
    }
    assert items["retries"]["value"] == "7"
    assert items["retries"]["id"] == stored["retries"]["id"]
    assert items["freeForm"]["value"] == "x"
    log = items["logEnabled"]
    assert (log["group"], log["label"], log["value"], log["sensitive"]) == (
        "log",
        "Log",
        "true",
        False,
    )
    assert all(log[field] is None for field in BASE_FIELDS)
    for field in (
        "integration",
        "integrationName",
        "tenant",
        "client",
        "partnerTenant",
        "connector",
    ):
        assert log[field] == stored["retries"][field], field
    assert (
        items["taxCode"]["value"] is None
    )  # defined, no default: listed, so it can be seen missing
    assert items["taxCode"]["source"] == "default"


def test_a_secret_with_no_stored_value_is_null_not_a_mask(
    client, make_token, headers, new_integration
):
    code = own_connector(client, make_token, {"name": "apiKey", "type": "secret"})
    integration = new_integration(connector=code)
    response = client.get(lookup(integration), query_string={"effective": "true"}, headers=headers)
    [item] = response.get_json()["content"]
    assert (item["value"], item["sensitive"], item["source"]) == (None, True, "default")


def test_without_effective_the_answer_is_the_stored_configs_without_source(client, headers, world):
    integration, _stored = world
    answer = client.get(lookup(integration), headers=headers).get_json()
    assert set(by_name(answer)) == {"retries", "apiKey", "freeForm"}
    assert all("source" not in item for item in answer["content"])


def test_stored_secrets_are_masked_unless_the_caller_may_read_them(
    client, headers, sensitive_headers, world
):
    integration, _stored = world
    query = {"effective": "true"}
    masked = client.get(lookup(integration), query_string=query, headers=headers)
    revealed = client.get(lookup(integration), query_string=query, headers=sensitive_headers)
    assert by_name(masked.get_json())["apiKey"]["value"] == "********"
    assert by_name(revealed.get_json())["apiKey"]["value"] == "s3cr3t"
    assert "no-store" in revealed.headers["Cache-Control"]
    assert "no-store" not in masked.headers.get("Cache-Control", "")
    assert masked.headers["ETag"] != revealed.headers["ETag"]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"group": "settings"}, {"retries", "taxCode"}),
        ({"group": "log"}, {"logEnabled"}),
        ({"name": "taxCode"}, {"taxCode"}),
        ({"name": "freeForm"}, {"freeForm"}),
        ({"name": "nothing"}, set()),
    ],
)
def test_filters_apply_to_the_merged_list(client, headers, world, query, expected):
    integration, _stored = world
    query = {"effective": "true"} | query
    answer = client.get(lookup(integration), query_string=query, headers=headers).get_json()
    assert set(by_name(answer)) == expected
    assert answer["page"]["totalElements"] == len(expected)


def test_a_stored_config_in_another_group_still_overrides_its_default(
    client, make_token, headers, new_integration
):
    code = own_connector(client, make_token, {"name": "mode", "type": "string", "default": "a"})
    integration = new_integration(connector=code)
    store(client, headers, integration, group="elsewhere", name="mode", value="b")
    query = {"effective": "true", "group": "settings"}  # the definition's group
    answer = client.get(lookup(integration), query_string=query, headers=headers).get_json()
    assert answer["content"] == []  # no default shows through the stored config
    query = {"effective": "true", "group": "elsewhere"}
    answer = client.get(lookup(integration), query_string=query, headers=headers).get_json()
    assert [(i["value"], i["source"]) for i in answer["content"]] == [("b", "config")]


def test_sorting_and_paging_apply_to_the_merged_list(client, headers, world):
    integration, _stored = world
    names = []
    for number in range(3):
        query = {"effective": "true", "pageSort": "name,ASC", "pageSize": 2, "pageNumber": number}
        answer = client.get(lookup(integration), query_string=query, headers=headers).get_json()
        assert answer["page"] == {"number": number, "size": 2, "totalElements": 5, "totalPages": 3}
        names += [item["name"] for item in answer["content"]]
    assert names == ["apiKey", "freeForm", "logEnabled", "retries", "taxCode"]
    query = {"effective": "true", "pageSort": ["group,DESC", "name,DESC"]}
    answer = client.get(lookup(integration), query_string=query, headers=headers).get_json()
    assert [i["name"] for i in answer["content"]] == [
        "taxCode",
        "retries",
        "freeForm",
        "logEnabled",
        "apiKey",
    ]


def test_defaults_sort_as_sql_sorts_nulls(client, headers, world):
    integration, _stored = world
    newest_first = client.get(
        lookup(integration), query_string={"effective": "true"}, headers=headers
    ).get_json()  # the default sort: updatedAt,DESC, NULLs last
    assert [i["source"] for i in newest_first["content"]] == ["config"] * 3 + ["default"] * 2
    assert [i["name"] for i in newest_first["content"]][:3] == ["freeForm", "apiKey", "retries"]
    query = {"effective": "true", "pageSort": "updatedAt,ASC"}
    oldest_first = client.get(lookup(integration), query_string=query, headers=headers).get_json()
    assert [i["name"] for i in oldest_first["content"]] == [
        "logEnabled",
        "taxCode",
        "retries",
        "apiKey",
        "freeForm",  # NULLs first, ties by name
    ]


def test_another_tenant_gets_an_empty_answer_not_the_defaults(client, make_token, world):
    integration, _stored = world
    stranger = {
        "Authorization": f"Bearer {make_token(scopes=ALL_SCOPES, tenants=[str(uuid.uuid4())])}"
    }
    for query in ({"effective": "true"}, {"effective": "true", "format": "map"}):
        response = client.get(lookup(integration), query_string=query, headers=stranger)
        assert response.status_code == 200
        body = response.get_json()
        assert body in ({}, {"content": [], "page": body.get("page")})
        assert "content" not in body or body["page"]["totalElements"] == 0


def test_an_unknown_partner_tenant_gets_an_empty_answer(client, headers, world):
    integration, _stored = world
    url = f"/connectors/{integration['connector']}/partnertenants/nobody-{uuid.uuid4()}/configs"
    answer = client.get(url, query_string={"effective": "true"}, headers=headers).get_json()
    assert answer["content"] == []
    assert answer["page"]["totalElements"] == 0


def test_a_partner_tenant_claim_and_an_admin_see_the_effective_configuration(
    client, make_token, world
):
    integration, _stored = world
    claim = f"{integration['connector']}:{integration['partnerTenant']}"
    partner = {"Authorization": f"Bearer {make_token(scopes=ALL_SCOPES, partner_tenants=[claim])}"}
    admin = {"Authorization": f"Bearer {make_token(scopes=[*ALL_SCOPES, ADMIN_SCOPE])}"}
    for who in (partner, admin):
        answer = client.get(lookup(integration), query_string={"effective": "true"}, headers=who)
        assert answer.get_json()["page"]["totalElements"] == 5


@pytest.mark.parametrize("value", ["yes", "1", "TRUE ", "\x00"])
def test_effective_takes_true_or_false_only(client, headers, world, value):
    integration, _stored = world
    response = client.get(lookup(integration), query_string={"effective": value}, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["type"] in (INVALID_QUERY, "urn:tenant-config:problem:bad-request")


def test_effective_false_is_the_stored_answer(client, headers, world):
    integration, _stored = world
    plain = client.get(lookup(integration), headers=headers)
    explicit = client.get(lookup(integration), query_string={"effective": "false"}, headers=headers)
    assert explicit.get_json() == plain.get_json()
    assert explicit.headers["ETag"] == plain.headers["ETag"]


def test_effective_with_as_of_is_a_400(client, headers, world):
    integration, _stored = world
    query = {"effective": "true", "asOf": "2026-01-01T00:00:00Z"}
    response = client.get(lookup(integration), query_string=query, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["type"] == INVALID_QUERY
    assert "asOf" in response.get_json()["errors"]


def test_an_unknown_sort_field_is_a_400_with_effective(client, headers, world):
    integration, _stored = world
    query = {"effective": "true", "pageSort": "source,ASC"}
    response = client.get(lookup(integration), query_string=query, headers=headers)
    assert response.status_code == 400
    assert response.get_json()["type"] == INVALID_QUERY
