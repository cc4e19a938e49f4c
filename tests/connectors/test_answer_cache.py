"""The lookup's answer cache: a repeated lookup reads only the change counters, and no write,
on this worker or another, is ever answered around."""

from __future__ import annotations

import pytest

from tests.support.catalog import admin_headers, define, own_connector
from tests.support.routes import sql_statements
from tests.support.urls import configs_url, lookup_url


@pytest.fixture
def other_worker(make_app):
    """A second app on the same database: another worker, with an answer cache of its own."""
    return make_app().test_client()


def put_value(client, headers, integration, config, value: str) -> dict:
    current = client.get(configs_url(integration, config), headers=headers).get_json()
    body = {"group": config["group"], "name": config["name"], "value": value}
    answer = client.put(
        configs_url(integration, config),
        json=body | {"version": current["version"]},
        headers=headers,
    )
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def values(answer) -> list[str]:
    assert answer.status_code == 200, answer.get_json()
    return [config["value"] for config in answer.get_json()["content"]]


def test_a_repeated_lookup_reads_no_config(app, client, headers, integration, new_config):
    new_config(name="p", value="v0")
    first = client.get(lookup_url(integration), headers=headers)
    with sql_statements(app) as seen:
        again = client.get(lookup_url(integration), headers=headers)
    assert again.get_data() == first.get_data()
    assert again.headers["ETag"] == first.headers["ETag"]
    assert seen == []  # the counters are read on connections of their own
    with sql_statements(app) as seen:
        revalidated = client.get(
            lookup_url(integration), headers=headers | {"If-None-Match": first.headers["ETag"]}
        )
    assert revalidated.status_code == 304
    assert seen == []


def test_a_write_on_another_worker_is_seen_by_the_next_lookup(
    client, other_worker, headers, integration, new_config
):
    config = new_config(name="p", value="v0")
    for round_number in range(1, 6):
        assert values(client.get(lookup_url(integration), headers=headers)) == [
            f"v{round_number - 1}"
        ]
        put_value(other_worker, headers, integration, config, f"v{round_number}")
        assert values(client.get(lookup_url(integration), headers=headers)) == [f"v{round_number}"]


def test_every_change_to_what_a_lookup_shows_is_seen(
    client, other_worker, headers, integration, new_config
):
    """Configs created and deleted, the integration renamed or deleted: none answered around."""
    url = lookup_url(integration)
    assert values(client.get(url, headers=headers)) == []
    config = new_config(name="p", value="v0")
    assert values(client.get(url, headers=headers)) == ["v0"]
    renamed = client.get(f"/tenantintegrations/{integration['id']}", headers=headers).get_json()
    body = {k: renamed[k] for k in ("name", "client", "clientName", "tenant", "tenantName")}
    body |= {k: renamed[k] for k in ("partnerTenant", "partnerTenantName", "connector")}
    answer = other_worker.put(
        f"/tenantintegrations/{integration['id']}",
        json=body | {"name": "renamed", "version": renamed["version"]},
        headers=headers,
    )
    assert answer.status_code == 200, answer.get_json()
    assert client.get(url, headers=headers).get_json()["content"][0]["integrationName"] == "renamed"
    current = client.get(configs_url(integration, config), headers=headers).get_json()
    deleted = other_worker.delete(
        configs_url(integration, config), json={"version": current["version"]}, headers=headers
    )
    assert deleted.status_code == 204
    assert values(client.get(url, headers=headers)) == []


def test_a_definition_change_is_seen_by_effective_lookups(
    client, other_worker, make_token, tenant, new_integration
):
    code = own_connector(client, make_token)
    define(client, make_token, code, {"name": "timeout", "type": "integer", "default": 10})
    integration = new_integration(connector=code)
    headers = {"Authorization": f"Bearer {make_token(tenants=[tenant])}"}
    url = f"{lookup_url(integration)}?effective=true&format=map"
    assert client.get(url, headers=headers).get_json() == {"settings": {"timeout": 10}}
    current = client.get(f"/connectors/{code}/parameters/timeout", headers=headers).get_json()
    body = {k: current[k] for k in ("group", "name", "type")} | {"default": 30}
    answer = other_worker.put(
        f"/connectors/{code}/parameters/timeout",
        json=body | {"version": current["version"]},
        headers=admin_headers(make_token),
    )
    assert answer.status_code == 200, answer.get_json()
    assert client.get(url, headers=headers).get_json() == {"settings": {"timeout": 30}}


def test_a_removed_connector_is_unknown_at_once(client, other_worker, make_token, headers):
    code = own_connector(client, make_token)
    url = f"/connectors/{code}/partnertenants/nobody/configs"
    assert client.get(url, headers=headers).status_code == 200
    current = client.get(f"/connectors/{code}", headers=headers).get_json()
    removed = other_worker.delete(
        f"/connectors/{code}",
        json={"version": current["version"]},
        headers=admin_headers(make_token),
    )
    assert removed.status_code == 204, removed.get_json()
    assert client.get(url, headers=headers).status_code == 404


def test_callers_who_see_differently_never_share_an_answer(
    client, make_token, headers, sensitive_headers, integration, new_config
):
    new_config(name="secret", value="s3cret", sensitive=True)
    stranger = {"Authorization": f"Bearer {make_token(tenants=['someone-else'])}"}
    assert values(client.get(lookup_url(integration), headers=headers)) == ["********"]
    assert values(client.get(lookup_url(integration), headers=stranger)) == []
    revealed = client.get(lookup_url(integration), headers=sensitive_headers)
    assert values(revealed) == ["s3cret"]
    assert revealed.headers["Cache-Control"] == "no-store"
    assert values(client.get(lookup_url(integration), headers=headers)) == ["********"]


def test_a_revealed_answer_is_never_kept(app, client, sensitive_headers, integration, new_config):
    new_config(name="secret", value="s3cret", sensitive=True)
    client.get(lookup_url(integration), headers=sensitive_headers)
    with sql_statements(app) as seen:
        again = client.get(lookup_url(integration), headers=sensitive_headers)
    assert values(again) == ["s3cret"]
    assert any("tenant_configs" in statement for statement, _ in seen)  # not from the cache


def test_with_the_cache_off_every_lookup_reads_the_configs(
    make_app, headers, integration, new_config
):
    new_config(name="p", value="v0")
    app = make_app(answer_cache_mb=0)
    client = app.test_client()
    client.get(lookup_url(integration), headers=headers)
    with sql_statements(app) as seen:
        assert values(client.get(lookup_url(integration), headers=headers)) == ["v0"]
    assert any("tenant_configs" in statement for statement, _ in seen)
