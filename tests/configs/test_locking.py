"""Optimistic locking: versions, strong ETags, If-Match, If-None-Match, body versions, 428."""

from __future__ import annotations

from tests.support.urls import configs_url as url
from tests.support.urls import history

CHANGE = {"group": "messageLogConfigs", "name": "messageLogEnabled", "value": "false"}


def test_put_with_if_match_bumps_the_version_by_one(client, headers, integration, new_config):
    config = new_config(name="messageLogEnabled", value="true")
    etag = client.get(url(integration, config), headers=headers).headers["ETag"]
    response = client.put(
        url(integration, config), json=CHANGE, headers=headers | {"If-Match": etag}
    )
    assert response.status_code == 200, response.get_json()
    updated = response.get_json()
    assert updated["version"] == 1
    assert updated["value"] == "false"
    assert updated["createdAt"] == config["createdAt"]
    assert updated["updatedAt"] > config["updatedAt"]
    assert response.headers["ETag"] != etag


def test_put_with_stale_if_match_is_412_and_changes_nothing(
    client, headers, integration, new_config
):
    config = new_config(name="messageLogEnabled")
    stale = client.get(url(integration, config), headers=headers).headers["ETag"]
    fresh = {"If-Match": stale}
    assert (
        client.put(url(integration, config), json=CHANGE, headers=headers | fresh).status_code
        == 200
    )
    response = client.put(
        url(integration, config), json=CHANGE | {"value": "x"}, headers=headers | fresh
    )
    assert response.status_code == 412
    assert response.get_json()["type"] == "urn:tenant-config:problem:precondition-failed"
    assert client.get(url(integration, config), headers=headers).get_json()["value"] == "false"


def test_put_with_body_version_works_and_a_stale_one_is_409(
    client, headers, integration, new_config
):
    config = new_config(name="messageLogEnabled")
    ok = client.put(url(integration, config), json=CHANGE | {"version": 0}, headers=headers)
    assert ok.status_code == 200
    assert ok.get_json()["version"] == 1
    stale = client.put(
        url(integration, config),
        json=CHANGE | {"version": 0, "value": "y"},
        headers=headers,
    )
    assert stale.status_code == 409
    problem = stale.get_json()
    assert problem["type"] == "urn:tenant-config:problem:version-conflict"
    assert problem["currentVersion"] == 1


def test_put_without_any_precondition_is_428(client, headers, integration, new_config):
    config = new_config(name="messageLogEnabled")
    response = client.put(url(integration, config), json=CHANGE, headers=headers)
    assert response.status_code == 428
    assert response.get_json()["type"] == "urn:tenant-config:problem:precondition-required"
    assert client.get(url(integration, config), headers=headers).get_json()["version"] == 0


def test_precondition_can_be_made_optional(make_app, headers, integration, new_config):
    config = new_config(name="messageLogEnabled")
    relaxed = make_app(require_precondition=False).test_client()
    response = relaxed.put(url(integration, config), json=CHANGE, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["version"] == 1


def test_weak_or_star_if_match(client, headers, integration, new_config):
    config = new_config(name="messageLogEnabled")
    etag = client.get(url(integration, config), headers=headers).headers["ETag"]
    weak = client.put(
        url(integration, config), json=CHANGE, headers=headers | {"If-Match": f"W/{etag}"}
    )
    assert weak.status_code == 412
    star = client.put(url(integration, config), json=CHANGE, headers=headers | {"If-Match": "*"})
    assert star.status_code == 200


def test_a_put_that_changes_nothing_keeps_the_version(client, headers, integration, new_config):
    config = new_config(name="messageLogEnabled", value="true")
    same = {k: config[k] for k in ("group", "name", "label", "description", "value", "sensitive")}
    response = client.put(url(integration, config), json=same | {"version": 0}, headers=headers)
    assert response.status_code == 200
    assert response.get_json()["version"] == 0
    assert len(history(client, headers, integration, config)) == 1


def test_if_none_match_answers_304_until_the_config_changes(
    client, headers, integration, new_config
):
    config = new_config(name="messageLogEnabled")
    etag = client.get(url(integration, config), headers=headers).headers["ETag"]
    cached = client.get(url(integration, config), headers=headers | {"If-None-Match": etag})
    assert cached.status_code == 304
    assert cached.headers["ETag"] == etag
    assert cached.data == b""
    client.put(url(integration, config), json=CHANGE | {"version": 0}, headers=headers)
    changed = client.get(url(integration, config), headers=headers | {"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.get_json()["version"] == 1


def test_renaming_onto_an_existing_name_is_409(client, headers, integration, new_config):
    new_config(name="taken")
    config = new_config(name="mine")
    response = client.put(
        url(integration, config),
        json=CHANGE | {"name": "taken", "version": 0},
        headers=headers,
    )
    assert response.status_code == 409
    assert client.get(url(integration, config), headers=headers).get_json()["name"] == "mine"


def test_delete_honours_if_match_and_body_version(client, headers, integration, new_config):
    config = new_config()
    assert (
        client.delete(
            url(integration, config), headers=headers | {"If-Match": '"nope"'}
        ).status_code
        == 412
    )
    assert (
        client.delete(url(integration, config), json={"version": 7}, headers=headers).status_code
        == 409
    )
    etag = client.get(url(integration, config), headers=headers).headers["ETag"]
    response = client.delete(url(integration, config), headers=headers | {"If-Match": etag})
    assert response.status_code == 204
    assert response.data == b""
    assert client.get(url(integration, config), headers=headers).status_code == 404
    assert client.delete(url(integration, config), headers=headers).status_code == 404


def test_delete_without_precondition_is_allowed(client, headers, integration, new_config):
    config = new_config()
    assert client.delete(url(integration, config), headers=headers).status_code == 204


def test_a_masked_and_a_revealed_config_have_their_own_etags(
    client, headers, sensitive_headers, integration, new_config
):
    config = new_config(name="secret", value="hunter2", sensitive=True)
    masked = client.get(url(integration, config), headers=headers)
    revealed = client.get(url(integration, config), headers=sensitive_headers)
    assert (masked.get_json()["value"], revealed.get_json()["value"]) == ("********", "hunter2")
    assert masked.headers["ETag"] != revealed.headers["ETag"]
    # A cached mask is not "not modified" for a caller who may see the secret, and back.
    again = client.get(
        url(integration, config),
        headers=sensitive_headers | {"If-None-Match": masked.headers["ETag"]},
    )
    assert (again.status_code, again.get_json()["value"]) == (200, "hunter2")
    cached = client.get(
        url(integration, config),
        headers=sensitive_headers | {"If-None-Match": revealed.headers["ETag"]},
    )
    assert cached.status_code == 304
    # Either ETag names version 0 for If-Match.
    body = {"group": "g", "name": "secret", "value": "hunter3", "sensitive": True}
    changed = client.put(
        url(integration, config),
        json=body,
        headers=sensitive_headers | {"If-Match": masked.headers["ETag"]},
    )
    assert changed.status_code == 200, changed.get_json()
    stale = client.put(
        url(integration, config),
        json=body,
        headers=headers | {"If-Match": revealed.headers["ETag"]},
    )
    assert stale.status_code == 412


def test_a_plain_config_has_one_etag_for_every_reader(
    client, headers, sensitive_headers, integration, new_config
):
    config = new_config(name="plain", value="v")
    etags = {
        client.get(url(integration, config), headers=h).headers["ETag"]
        for h in (headers, sensitive_headers)
    }
    assert len(etags) == 1
