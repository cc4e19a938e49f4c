"""A diff of two versions of a config: every differing field, sensitive values only as `changed`."""

from __future__ import annotations

import uuid

import pytest

from tenant_config.platform import scopes
from tests.support.problems import assert_problem, bearer
from tests.support.tokens import ALL_SCOPES


def config_url(integration: dict, config: dict | str) -> str:
    config_id = config if isinstance(config, str) else config["id"]
    return f"/tenantintegrations/{integration['id']}/configs/{config_id}"


def put(client, headers, integration, config, version: int, **fields) -> dict:
    body = {"group": config["group"], "name": config["name"], "version": version} | fields
    answer = client.put(config_url(integration, config), json=body, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def diff(client, headers, integration, config, query: str):
    return client.get(f"{config_url(integration, config)}/diff?{query}", headers=headers)


@pytest.fixture
def plain(client, headers, integration, new_config) -> dict:
    """Version 0: value a, label L; 1: value b; 2: value b, group moved, description gone."""
    config = new_config(value="a", label="L", description="d")
    put(client, headers, integration, config, 0, value="b", label="L", description="d")
    put(client, headers, integration, config, 1, value="b", label="L", group="moved", reason="why")
    return config


def test_diff_lists_every_field_that_differs(client, headers, integration, plain):
    answer = diff(client, headers, integration, plain, "from=0&to=2")
    assert answer.status_code == 200
    body = answer.get_json()
    assert (body["config"], body["from"], body["to"]) == (plain["id"], 0, 2)
    assert body["changes"] == [
        {"field": "group", "from": "messageLogConfigs", "to": "moved"},
        {"field": "description", "from": "d", "to": None},
        {"field": "value", "from": "a", "to": "b"},
    ]
    assert body["toChange"]["operation"] == "UPDATE"
    assert body["toChange"]["reason"] == "why"
    assert body["fromChange"]["version"] == 0
    assert body["fromChange"]["operation"] == "CREATE"


def test_to_defaults_to_the_latest_and_from_may_be_newer(client, headers, integration, plain):
    latest = diff(client, headers, integration, plain, "from=1").get_json()
    assert latest["to"] == 2
    assert [c["field"] for c in latest["changes"]] == ["group", "description"]
    backwards = diff(client, headers, integration, plain, "from=2&to=1").get_json()
    assert backwards["changes"][0] == {"field": "group", "from": "moved", "to": "messageLogConfigs"}
    same = diff(client, headers, integration, plain, "from=1&to=1").get_json()
    assert same["changes"] == []


def test_diff_works_after_delete_against_the_delete_row(client, headers, integration, plain):
    assert client.delete(config_url(integration, plain), headers=headers).status_code == 204
    body = diff(client, headers, integration, plain, "from=0").get_json()
    assert body["to"] == 3
    assert body["toChange"]["operation"] == "DELETE"
    assert {c["field"] for c in body["changes"]} == {"group", "description", "value"}


@pytest.mark.parametrize(
    "query", ["", "to=1", "from=x", "from=-1", "from=1&to=-2", "from=1.5", "from=99999999999"]
)
def test_bad_or_missing_versions_are_400(client, headers, integration, plain, query):
    problem = assert_problem(diff(client, headers, integration, plain, query), 400)
    assert problem["errors"]


@pytest.mark.parametrize("query", ["from=3", "from=0&to=7"])
def test_unknown_versions_are_404(client, headers, integration, plain, query):
    problem = assert_problem(diff(client, headers, integration, plain, query), 404)
    assert problem["detail"].startswith("The config has no version ")


def test_unknown_config_and_another_tenant_are_404(client, make_token, headers, integration, plain):
    unknown = diff(client, headers, integration, str(uuid.uuid4()), "from=0")
    assert assert_problem(unknown, 404)["detail"] == "The config does not exist."
    stranger = bearer(make_token(tenants=[str(uuid.uuid4())]))
    theirs = diff(client, stranger, integration, plain, "from=0&to=1")
    assert assert_problem(theirs, 404)["detail"] == "The config has no version 0."


def test_diff_needs_the_version_read_scope(client, make_token, tenant, integration, plain):
    caller = bearer(
        make_token(scopes=[s for s in ALL_SCOPES if s != scopes.VERSION_READ], tenants=[tenant])
    )
    assert_problem(diff(client, caller, integration, plain, "from=0"), 403)


@pytest.fixture
def secret(client, headers, integration, new_config) -> dict:
    """Version 0: plain p; 1: secret s1; 2: secret s2; 3: label only; 4: secret s2 again."""
    config = new_config(value="p", label="L")
    put(client, headers, integration, config, 0, value="s1", label="L", sensitive=True)
    put(client, headers, integration, config, 1, value="s2", label="L", sensitive=True)
    put(client, headers, integration, config, 2, value="********", label="M", sensitive=True)
    put(client, headers, integration, config, 3, value="s2", label="M", sensitive=True)
    return config


@pytest.mark.parametrize("query", ["from=1&to=2", "from=0&to=1", "from=2&to=4"])
def test_a_changed_sensitive_value_shows_no_values_without_read_sensitive(
    client, headers, integration, secret, query
):
    answer = diff(client, headers, integration, secret, query)
    assert answer.status_code == 200
    assert {"field": "value", "changed": True} in answer.get_json()["changes"]
    text = answer.get_data(as_text=True)
    assert not {"p", "s1", "s2"} & {c.get("from") for c in answer.get_json()["changes"]}
    assert "s1" not in text
    assert "s2" not in text
    assert answer.headers["Cache-Control"] == "private"


def test_a_kept_sensitive_value_is_not_reported(client, headers, integration, secret):
    body = diff(client, headers, integration, secret, "from=2&to=3").get_json()
    assert body["changes"] == [{"field": "label", "from": "L", "to": "M"}]
    # the same value sent again by a caller who cannot read it is never compared: changed
    body = diff(client, headers, integration, secret, "from=3&to=4").get_json()
    assert body["changes"] == [{"field": "value", "changed": True}]


def test_read_sensitive_sees_the_values_and_no_store(
    client, sensitive_headers, integration, secret
):
    answer = diff(client, sensitive_headers, integration, secret, "from=0&to=2")
    assert answer.headers["Cache-Control"] == "no-store"
    changes = answer.get_json()["changes"]
    # the plain value p was sealed when the config turned sensitive; a reader still sees it
    assert {"field": "value", "from": "p", "to": "s2", "changed": True} in changes
    # a writer who cannot read compares nothing; a reader sees the very same value
    same = diff(client, sensitive_headers, integration, secret, "from=3&to=4")
    assert same.get_json()["changes"] == []
    assert same.headers["Cache-Control"] == "private"


def test_masked_and_revealed_diffs_never_share_an_etag(
    client, headers, sensitive_headers, integration, secret
):
    masked = diff(client, headers, integration, secret, "from=1&to=2")
    revealed = diff(client, sensitive_headers, integration, secret, "from=1&to=2")
    assert masked.headers["ETag"] != revealed.headers["ETag"]
    again = client.get(
        f"{config_url(integration, secret)}/diff?from=1&to=2",
        headers=headers | {"If-None-Match": masked.headers["ETag"]},
    )
    assert again.status_code == 304
