"""One config's history and any one version of it: paged, exact, masked, and kept after delete."""

from __future__ import annotations

import uuid

import pytest

from tenant_config.platform import scopes
from tests.support.problems import assert_problem, bearer
from tests.support.tokens import ALL_SCOPES

MASK = "********"


def config_url(integration: dict, config: dict | str) -> str:
    config_id = config if isinstance(config, str) else config["id"]
    return f"/tenantintegrations/{integration['id']}/configs/{config_id}"


@pytest.fixture
def changed(client, headers, integration, new_config) -> dict:
    """A config at version 2: created with value 1, then value 2, then label and value 3."""
    config = new_config(value="1", label="first", reason="created")
    url = config_url(integration, config)
    for version, body in enumerate(({"value": "2"}, {"value": "3", "label": "third"})):
        full = {"group": config["group"], "name": config["name"], "label": "first"} | body
        answer = client.put(url, json=full | {"version": version}, headers=headers)
        assert answer.status_code == 200, answer.get_json()
    return config


def test_versions_list_newest_first_and_page(client, headers, integration, changed):
    answer = client.get(f"{config_url(integration, changed)}/versions", headers=headers)
    assert answer.status_code == 200
    rows = answer.get_json()["content"]
    assert [(r["version"], r["operation"], r["value"]) for r in rows] == [
        (2, "UPDATE", "3"),
        (1, "UPDATE", "2"),
        (0, "CREATE", "1"),
    ]
    assert {r["tenantConfig"] for r in rows} == {changed["id"]}
    assert rows[-1]["reason"] == "created"
    paged = client.get(
        f"{config_url(integration, changed)}/versions?pageSize=2&pageNumber=1&pageSort=version,ASC",
        headers=headers,
    ).get_json()
    assert [r["version"] for r in paged["content"]] == [2]
    assert paged["page"] == {"number": 1, "size": 2, "totalElements": 3, "totalPages": 2}


def test_versions_leave_out_the_integrations_other_configs(
    client, headers, integration, changed, new_config
):
    other = new_config(name="other")
    rows = client.get(f"{config_url(integration, changed)}/versions", headers=headers).get_json()
    assert other["id"] not in {r["tenantConfig"] for r in rows["content"]}
    assert rows["page"]["totalElements"] == 3


def test_one_version_is_the_config_as_it_was(client, headers, integration, changed):
    answer = client.get(f"{config_url(integration, changed)}/versions/1", headers=headers)
    assert answer.status_code == 200
    row = answer.get_json()
    assert (row["version"], row["value"], row["label"], row["operation"]) == (
        1,
        "2",
        "first",
        "UPDATE",
    )
    assert (row["tenantConfig"], row["name"]) == (changed["id"], changed["name"])
    etag = answer.headers["ETag"]
    assert etag.startswith('"')  # strong
    again = client.get(f"{config_url(integration, changed)}/versions/1", headers=headers)
    assert again.headers["ETag"] == etag
    other = client.get(f"{config_url(integration, changed)}/versions/2", headers=headers)
    assert other.headers["ETag"] != etag
    cached = client.get(
        f"{config_url(integration, changed)}/versions/1", headers=headers | {"If-None-Match": etag}
    )
    assert cached.status_code == 304
    assert cached.headers["ETag"] == etag


def test_history_stays_readable_after_the_config_is_deleted(client, headers, integration, changed):
    url = config_url(integration, changed)
    deleted = client.delete(url, headers=headers | {"Change-Reason": "retired"})
    assert deleted.status_code == 204
    rows = client.get(f"{url}/versions", headers=headers).get_json()["content"]
    assert [(r["version"], r["operation"]) for r in rows][:2] == [(3, "DELETE"), (2, "UPDATE")]
    assert rows[0]["reason"] == "retired"
    assert client.get(f"{url}/versions/0", headers=headers).get_json()["value"] == "1"


def test_history_stays_readable_after_the_integration_is_deleted(
    client, headers, integration, changed
):
    url = f"/tenantintegrations/{integration['id']}?cascade=true"
    assert client.delete(url, headers=headers).status_code == 204
    answer = client.get(f"{config_url(integration, changed)}/versions/3", headers=headers)
    assert answer.status_code == 200
    assert (answer.get_json()["operation"], answer.get_json()["value"]) == ("DELETE", "3")


@pytest.mark.parametrize("suffix", ["/versions/3", "/versions/99", "/versions/" + "9" * 20])
def test_an_unknown_version_is_404(client, headers, integration, changed, suffix):
    answer = client.get(config_url(integration, changed) + suffix, headers=headers)
    assert assert_problem(answer, 404)["detail"].startswith("The config has no version ")


@pytest.mark.parametrize("suffix", ["/versions", "/versions/0"])
def test_an_unknown_config_is_404(client, headers, integration, suffix):
    url = config_url(integration, str(uuid.uuid4())) + suffix
    detail = assert_problem(client.get(url, headers=headers), 404)["detail"]
    assert detail in ("The config does not exist.", "The config has no version 0.")


@pytest.mark.parametrize("suffix", ["/versions", "/versions/0"])
def test_a_config_under_another_integration_of_the_caller_is_404(
    client, headers, new_integration, changed, suffix
):
    elsewhere = new_integration(name="elsewhere")
    assert_problem(client.get(config_url(elsewhere, changed) + suffix, headers=headers), 404)


@pytest.mark.parametrize("suffix", ["/versions", "/versions/0"])
def test_another_tenant_gets_404_as_for_a_random_id(
    client, make_token, integration, changed, suffix
):
    stranger = bearer(make_token(tenants=[str(uuid.uuid4())]))
    mine = client.get(config_url(integration, changed) + suffix, headers=stranger)
    random = client.get(config_url(integration, str(uuid.uuid4())) + suffix, headers=stranger)
    assert assert_problem(mine, 404)["detail"] == assert_problem(random, 404)["detail"]


def test_reading_history_needs_the_version_read_scope(
    client, make_token, tenant, integration, changed
):
    no_history = [s for s in ALL_SCOPES if s != scopes.VERSION_READ]
    caller = bearer(make_token(scopes=no_history, tenants=[tenant]))
    for suffix in ("/versions", "/versions/0"):
        assert_problem(client.get(config_url(integration, changed) + suffix, headers=caller), 403)


def test_sensitive_versions_are_masked_unless_the_caller_may_read_them(
    client, headers, sensitive_headers, integration, new_config
):
    config = new_config(value="s3cret", sensitive=True)
    url = config_url(integration, config)
    masked = client.get(f"{url}/versions/0", headers=headers)
    revealed = client.get(f"{url}/versions/0", headers=sensitive_headers)
    assert (masked.get_json()["value"], masked.headers["Cache-Control"]) == (MASK, "private")
    assert revealed.get_json()["value"] == "s3cret"
    assert revealed.headers["Cache-Control"] == "no-store"
    assert masked.headers["ETag"] != revealed.headers["ETag"]
    listed = client.get(f"{url}/versions", headers=headers)
    assert [r["value"] for r in listed.get_json()["content"]] == [MASK]
    assert "s3cret" not in listed.get_data(as_text=True)
    listed = client.get(f"{url}/versions", headers=sensitive_headers)
    assert [r["value"] for r in listed.get_json()["content"]] == ["s3cret"]
    assert listed.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("query", ["pageSort=secret", "pageSize=0", "pageNumber=-1"])
def test_bad_paging_is_400(client, headers, integration, changed, query):
    url = f"{config_url(integration, changed)}/versions?{query}"
    assert_problem(client.get(url, headers=headers), 400)
