"""Instances report the lookup answer they applied; the integration lists each with `latest`."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tenant_config.platform.scopes import CONFIG_READ, INTEGRATION_READ
from tests.support.catalog import define, own_connector
from tests.support.instances import MAP_QUERY, listed, lookup_etag, report
from tests.support.problems import assert_problem
from tests.support.urls import configs_url, instance_url, instances_url


def stamp(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def change(client, headers, integration, config, value: str) -> None:
    body = {"group": config["group"], "name": config["name"], "value": value}
    url = configs_url(integration, config)
    current = client.get(url, headers=headers).get_json()["version"]
    answer = client.put(url, json=body | {"version": current}, headers=headers)
    assert answer.status_code == 200, answer.get_json()


@pytest.mark.parametrize("cache_mb", [64, 0], ids=["cached", "uncached"])
def test_applied_is_latest_until_a_change_and_again_once_the_new_etag_is_reported(
    make_app, headers, integration, new_config, cache_mb
):
    client = make_app(answer_cache_mb=cache_mb).test_client()
    config = new_config(value="v0")
    etag = lookup_etag(client, headers, integration)

    created = report(client, headers, integration, "worker-1", etag)
    assert created.status_code == 201, created.get_json()
    entry = created.get_json()
    assert entry["instance"] == "worker-1"
    assert entry["etag"] == etag.strip('"')
    assert (entry["status"], entry["reason"], entry["query"]) == ("applied", None, MAP_QUERY)
    assert entry["reportedBy"] == "user1@companyxyz.com"
    assert entry["latest"] is True
    assert stamp(entry["expiresAt"]) - stamp(entry["reportedAt"]) == timedelta(hours=24)
    assert listed(client, headers, integration) == {"worker-1": entry}

    change(client, headers, integration, config, "v1")
    assert listed(client, headers, integration)["worker-1"]["latest"] is False

    new_etag = lookup_etag(client, headers, integration)
    assert new_etag != etag
    again = report(client, headers, integration, "worker-1", new_etag)
    assert again.status_code == 200
    assert again.get_json()["latest"] is True
    assert listed(client, headers, integration)["worker-1"]["etag"] == new_etag.strip('"')


def test_a_change_of_the_connectors_definitions_ends_latest(
    client, headers, make_token, new_integration
):
    code = own_connector(client, make_token)
    integration = new_integration(connector=code)
    etag = lookup_etag(client, headers, integration)
    assert report(client, headers, integration, "w", etag).get_json()["latest"] is True
    define(client, make_token, code, {"name": "region", "type": "string", "default": "eu"})
    assert listed(client, headers, integration)["w"]["latest"] is False
    assert lookup_etag(client, headers, integration) != etag


def test_rejected_with_a_reason(client, headers, integration):
    etag = lookup_etag(client, headers, integration)
    reason = "retentionDays: 5000 exceeds the connector's limit of 3650"
    answer = report(client, headers, integration, "w:2", etag, status="rejected", reason=reason)
    assert answer.status_code == 201
    entry = listed(client, headers, integration)["w:2"]
    assert (entry["status"], entry["reason"], entry["latest"]) == ("rejected", reason, True)
    assert listed(client, headers, integration, "status=applied") == {}
    assert list(listed(client, headers, integration, "status=rejected")) == ["w:2"]


def test_an_old_etag_or_another_querys_etag_is_not_the_latest(
    client, headers, integration, new_config
):
    new_config(value="v0")
    page_etag = lookup_etag(client, headers, integration, query="")
    assert report(client, headers, integration, "a", page_etag).get_json()["latest"] is False
    entry = report(client, headers, integration, "b", page_etag, query="").get_json()
    assert (entry["latest"], entry["query"]) == (True, "")
    stale = report(client, headers, integration, "c", '"0123abcd"').get_json()
    assert stale["latest"] is False


@pytest.mark.parametrize("etag", ['"{}"', "{}", 'W/"{}"', ' "{}" '])
def test_the_etag_quoted_or_not(client, headers, integration, etag):
    tag = lookup_etag(client, headers, integration).strip('"')
    entry = report(client, headers, integration, "w", etag.format(tag)).get_json()
    assert (entry["etag"], entry["latest"]) == (tag, True)


def test_the_latest_etag_is_the_callers_own(
    client, headers, sensitive_headers, integration, new_config
):
    new_config(value="s3cret", sensitive=True)
    masked = lookup_etag(client, headers, integration)
    revealed = lookup_etag(client, sensitive_headers, integration)
    assert masked != revealed
    assert report(client, headers, integration, "m", masked).get_json()["latest"] is True
    assert report(client, sensitive_headers, integration, "r", revealed).get_json()["latest"]
    assert report(client, headers, integration, "x", revealed).get_json()["latest"] is False


def test_another_tenants_token_sees_nothing(client, headers, make_token, integration):
    etag = lookup_etag(client, headers, integration)
    assert report(client, headers, integration, "mine", etag).status_code == 201
    other = {"Authorization": f"Bearer {make_token(tenants=['someone-else'])}"}
    problem = assert_problem(report(client, other, integration, "theirs", etag), 404)
    assert integration["partnerTenant"] not in problem["detail"]
    assert_problem(client.get(instances_url(integration), headers=other), 404)
    assert list(listed(client, headers, integration)) == ["mine"]


def test_a_connector_token_limited_to_its_partner_tenant_reports(
    client, headers, make_token, integration, new_integration
):
    claim = f"{integration['connector']}:{integration['partnerTenant']}"
    token = make_token(scopes=[CONFIG_READ], partner_tenants=[claim], sub="connector-7", email=None)
    connector = {"Authorization": f"Bearer {token}"}
    etag = lookup_etag(client, connector, integration)
    answer = report(client, connector, integration, "pod-7", etag)
    assert answer.status_code == 201, answer.get_json()
    assert answer.get_json()["latest"] is True
    assert listed(client, connector, integration)["pod-7"]["reportedBy"] == "connector-7"
    elsewhere = new_integration(name="other")
    assert_problem(report(client, connector, elsewhere, "pod-7", etag), 404)


def test_a_token_without_the_lookups_scope_is_refused(client, make_token, tenant, integration):
    token = make_token(scopes=[INTEGRATION_READ], tenants=[tenant])
    url = instance_url(integration, "w")
    body = {"etag": "abc", "status": "applied"}
    assert_problem(client.put(url, json=body, headers={"Authorization": f"Bearer {token}"}), 403)
