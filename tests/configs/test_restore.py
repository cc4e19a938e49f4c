"""Restore and undelete: a past version becomes the latest, through the one change pipeline."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.configs.models import Config
from tenant_config.platform import scopes
from tenant_config.platform.database import db
from tests.support.problems import assert_problem, bearer
from tests.support.races import operations, statuses
from tests.support.tokens import ALL_SCOPES

MASK = "********"
PROBLEM = "urn:tenant-config:problem:"


def config_url(integration: dict, config: dict | str) -> str:
    config_id = config if isinstance(config, str) else config["id"]
    return f"/tenantintegrations/{integration['id']}/configs/{config_id}"


def history(client, headers, integration, config) -> list[tuple]:
    answer = client.get(
        f"{config_url(integration, config)}/versions?pageSort=version,ASC", headers=headers
    )
    assert answer.status_code == 200, answer.get_json()
    return [
        (r["version"], r["operation"], r["value"], r["restoredFrom"], r["reason"])
        for r in answer.get_json()["content"]
    ]


def restore(client, headers, integration, config, **body):
    return client.post(f"{config_url(integration, config)}/restore", json=body, headers=headers)


@pytest.fixture
def changed(client, headers, integration, new_config) -> dict:
    """A config at version 1: created with value a and label A, then value b, label B."""
    config = new_config(value="a", label="A")
    body = {"group": config["group"], "name": config["name"], "value": "b", "label": "B"}
    answer = client.put(
        config_url(integration, config), json=body | {"version": 0}, headers=headers
    )
    assert answer.status_code == 200
    return answer.get_json()


def test_restore_makes_a_past_version_the_next_one(client, headers, integration, changed):
    etag = client.get(config_url(integration, changed), headers=headers).headers["ETag"]
    answer = restore(
        client, headers | {"If-Match": etag}, integration, changed, version=0, reason="undo"
    )
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["id"], body["version"], body["value"], body["label"]) == (
        changed["id"],
        2,
        "a",
        "A",
    )
    assert body["createdAt"] == changed["createdAt"]
    stored = client.get(config_url(integration, changed), headers=headers)
    assert stored.get_json() == body
    assert stored.headers["ETag"] == answer.headers["ETag"]
    assert history(client, headers, integration, changed) == [
        (0, "CREATE", "a", None, None),
        (1, "UPDATE", "b", None, None),
        (2, "RESTORE", "a", 0, "undo"),
    ]


def test_restore_of_the_current_content_is_still_a_new_version(
    client, headers, integration, changed
):
    answer = restore(client, headers, integration, changed, version=1, expectedVersion=1)
    assert answer.status_code == 200
    assert (answer.get_json()["version"], answer.get_json()["value"]) == (2, "b")
    assert history(client, headers, integration, changed)[-1] == (2, "RESTORE", "b", 1, None)


@pytest.mark.parametrize(
    ("precondition", "status", "problem"),
    [
        ({"json": {"expectedVersion": 0}}, 409, "version-conflict"),
        ({"headers": {"If-Match": '"stale"'}}, 412, "precondition-failed"),
        ({}, 428, "precondition-required"),
    ],
)
def test_a_live_config_takes_the_preconditions_of_put(
    client, headers, integration, changed, precondition, status, problem
):
    answer = client.post(
        f"{config_url(integration, changed)}/restore",
        json={"version": 0} | precondition.get("json", {}),
        headers=headers | precondition.get("headers", {}),
    )
    body = assert_problem(answer, status)
    assert body["type"] == PROBLEM + problem
    if status != 428:
        assert body["currentVersion"] == 1
    assert len(history(client, headers, integration, changed)) == 2


@pytest.mark.parametrize("version", [2, 99, 2**31, 10**20])
def test_an_unknown_version_is_404_and_changes_nothing(
    client, headers, integration, changed, version
):
    answer = restore(client, headers, integration, changed, version=version, expectedVersion=1)
    assert assert_problem(answer, 404)["detail"] == f"The config has no version {version}."
    assert len(history(client, headers, integration, changed)) == 2


def test_an_unknown_config_or_another_tenant_is_404(
    client, make_token, headers, integration, changed
):
    unknown = restore(client, headers, integration, str(uuid.uuid4()), version=0)
    assert assert_problem(unknown, 404)["detail"] == "The config has no version 0."
    stranger = bearer(make_token(tenants=[str(uuid.uuid4())]))
    answer = restore(client, stranger, integration, changed, version=0, expectedVersion=1)
    assert assert_problem(answer, 404)["detail"] == "The integration does not exist."
    assert client.get(config_url(integration, changed), headers=headers).get_json()["value"] == "b"


def test_restore_needs_the_write_scope(client, make_token, tenant, integration, changed):
    reader = bearer(
        make_token(scopes=[s for s in ALL_SCOPES if s != scopes.CONFIG_WRITE], tenants=[tenant])
    )
    answer = restore(client, reader, integration, changed, version=0, expectedVersion=1)
    assert_problem(answer, 403)


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"version": "0"},
        {"version": -1},
        {"version": 0.5},
        {"version": None},
        {"version": 0, "expectedVersion": "1"},
        {"version": 0, "reason": "x" * 1025},
        {"version": 0, "value": "smuggled"},
    ],
)
def test_a_bad_body_is_422_and_changes_nothing(client, headers, integration, changed, body):
    answer = client.post(f"{config_url(integration, changed)}/restore", json=body, headers=headers)
    assert_problem(answer, 422)
    assert len(history(client, headers, integration, changed)) == 2


def test_a_deleted_config_comes_back_under_its_id(client, headers, integration, changed):
    assert client.delete(config_url(integration, changed), headers=headers).status_code == 204
    answer = restore(client, headers, integration, changed, version=0, reason="oops")
    assert answer.status_code == 200, answer.get_json()
    body = answer.get_json()
    assert (body["id"], body["version"], body["value"], body["label"]) == (
        changed["id"],
        3,
        "a",
        "A",
    )
    assert (body["createdAt"], body["createdBy"]) == (changed["createdAt"], changed["createdBy"])
    assert client.get(config_url(integration, changed), headers=headers).get_json() == body
    assert history(client, headers, integration, changed) == [
        (0, "CREATE", "a", None, None),
        (1, "UPDATE", "b", None, None),
        (2, "DELETE", "b", None, None),
        (3, "RESTORE", "a", 0, "oops"),
    ]
    # it is an ordinary config again: PUT and DELETE take its new version
    put = {"group": body["group"], "name": body["name"], "value": "c", "version": 3}
    assert (
        client.put(config_url(integration, changed), json=put, headers=headers).status_code == 200
    )


def test_an_undelete_holds_a_sent_precondition_against_the_delete_row(
    client, headers, integration, changed
):
    assert client.delete(config_url(integration, changed), headers=headers).status_code == 204
    wrong = restore(client, headers, integration, changed, version=0, expectedVersion=1)
    assert assert_problem(wrong, 409)["currentVersion"] == 2
    right = restore(client, headers, integration, changed, version=0, expectedVersion=2)
    assert right.status_code == 200


def test_an_undelete_is_409_when_its_name_was_taken_since(
    client, headers, integration, changed, new_config
):
    assert client.delete(config_url(integration, changed), headers=headers).status_code == 204
    taker = new_config(name=changed["name"], value="taker")
    answer = restore(client, headers, integration, changed, version=1)
    assert assert_problem(answer, 409)["type"] == PROBLEM + "duplicate"
    assert [row[1] for row in history(client, headers, integration, changed)] == [
        "CREATE",
        "UPDATE",
        "DELETE",
    ]
    assert_problem(client.get(config_url(integration, changed), headers=headers), 404)
    assert (
        client.get(config_url(integration, taker), headers=headers).get_json()["value"] == "taker"
    )


def test_restoring_an_old_name_taken_by_another_config_is_409(
    client, headers, integration, changed, new_config
):
    body = {"group": changed["group"], "name": "renamed", "value": "b", "version": 1}
    assert (
        client.put(config_url(integration, changed), json=body, headers=headers).status_code == 200
    )
    new_config(name=changed["name"])
    answer = restore(client, headers, integration, changed, version=0, expectedVersion=2)
    assert assert_problem(answer, 409)["type"] == PROBLEM + "duplicate"
    assert client.get(config_url(integration, changed), headers=headers).get_json()["version"] == 2


def test_an_undelete_under_a_deleted_integration_is_404(client, headers, integration, changed):
    url = f"/tenantintegrations/{integration['id']}?cascade=true"
    assert client.delete(url, headers=headers).status_code == 204
    problem = assert_problem(restore(client, headers, integration, changed, version=0), 404)
    assert problem["detail"] == "The integration does not exist."
    assert [row[1] for row in history(client, headers, integration, changed)][-1] == "DELETE"


def _stored_secrets(app, config_id: str) -> tuple[str, dict[int, str]]:
    """The config's ciphertext and its history rows' ciphertexts by version, as stored."""
    with app.app_context():
        current = db.session.scalar(
            sa.select(Config.secret).where(Config.id == uuid.UUID(config_id))
        )
        rows = db.session.execute(
            sa.select(ConfigVersion.version, ConfigVersion.secret).where(
                ConfigVersion.tenant_config_id == uuid.UUID(config_id)
            )
        ).all()
        db.session.rollback()
    return str(current), {version: str(secret) for version, secret in rows}


def test_restoring_a_secret_copies_its_ciphertext_and_masks_it(
    app, client, headers, sensitive_headers, integration, new_config
):
    config = new_config(value="s1", sensitive=True, label=None)
    url = config_url(integration, config)
    body = {"group": config["group"], "name": config["name"], "sensitive": True}
    put = client.put(url, json=body | {"value": "s2", "version": 0}, headers=headers)
    assert put.status_code == 200
    masked = restore(client, headers, integration, config, version=0, expectedVersion=1)
    assert (masked.get_json()["value"], masked.headers["Cache-Control"]) == (MASK, "private")
    assert "s1" not in masked.get_data(as_text=True)
    current, rows = _stored_secrets(app, config["id"])
    assert current == rows[0] == rows[2] != rows[1]
    revealed = client.get(url, headers=sensitive_headers)
    assert (revealed.get_json()["value"], revealed.headers["Cache-Control"]) == ("s1", "no-store")
    again = restore(client, sensitive_headers, integration, config, version=1, expectedVersion=2)
    assert (again.get_json()["value"], again.headers["Cache-Control"]) == ("s2", "no-store")
    diff = client.get(f"{url}/diff?from=0&to=2", headers=headers).get_json()
    assert diff["changes"] == []


def test_restoring_a_secret_over_a_plain_value_seals_the_plain_rows(
    client, headers, sensitive_headers, integration, new_config
):
    config = new_config(value="s", sensitive=True, label=None)
    url = config_url(integration, config)
    body = {"group": config["group"], "name": config["name"], "value": "plain-now", "version": 0}
    assert client.put(url, json=body | {"sensitive": False}, headers=headers).status_code == 200
    answer = restore(client, headers, integration, config, version=0, expectedVersion=1)
    assert (answer.get_json()["sensitive"], answer.get_json()["value"]) == (True, MASK)
    values = [row[2] for row in history(client, headers, integration, config)]
    assert values == [MASK, MASK, MASK]  # the plain row read as sensitive once it turns back
    revealed = [row[2] for row in history(client, sensitive_headers, integration, config)]
    assert revealed == ["s", "plain-now", "s"]


def test_an_undeleted_secret_is_readable_again(
    client, headers, sensitive_headers, integration, new_config
):
    config = new_config(value="kept-secret", sensitive=True, label=None)
    url = config_url(integration, config)
    assert client.delete(url, headers=headers).status_code == 204
    answer = restore(client, headers, integration, config, version=0)
    assert answer.get_json()["value"] == MASK
    assert client.get(url, headers=sensitive_headers).get_json()["value"] == "kept-secret"


def test_racing_restores_with_the_same_if_match_let_one_win(api, rounds):
    integration = api.integration()
    for round_ in range(rounds):
        config = api.config(integration, f"c{round_}", value="v0")
        path = f"/tenantintegrations/{integration['id']}/configs/{config['id']}"
        for version, value in enumerate(("v1", "v2")):
            body = {"group": "g", "name": config["name"], "value": value, "version": version}
            assert api.call("PUT", path, json=body).status_code == 200
        etag = api.call("GET", path).headers["ETag"]
        answers = api.race(
            *[
                ("POST", f"{path}/restore", {"json": {"version": v}, "headers": {"If-Match": etag}})
                for v in (0, 1)
            ]
        )
        assert sorted(statuses(answers)) == [200, 412]
        winner = next(v for v, a in zip((0, 1), answers, strict=True) if a.status_code == 200)
        loser = next(a for a in answers if a.status_code == 412)
        assert loser.json()["currentVersion"] == 3
        stored = api.call("GET", path).json()
        assert (stored["version"], stored["value"]) == (3, f"v{winner}")
        rows = api.history(integration)[config["id"]]
        assert operations(rows) == [(0, "CREATE"), (1, "UPDATE"), (2, "UPDATE"), (3, "RESTORE")]
        assert (rows[3]["restoredFrom"], rows[3]["value"]) == (winner, f"v{winner}")


def test_racing_undeletes_bring_a_config_back_once(api, rounds):
    integration = api.integration()
    for round_ in range(rounds):
        config = api.config(integration, f"c{round_}", value="v0")
        path = f"/tenantintegrations/{integration['id']}/configs/{config['id']}"
        assert api.call("DELETE", path).status_code == 204
        answers = api.race(*[("POST", f"{path}/restore", {"json": {"version": 0}})] * 2)
        # the second finds the config back, and a live config needs a precondition
        assert sorted(statuses(answers)) == [200, 428]
        rows = api.history(integration)[config["id"]]
        assert operations(rows) == [(0, "CREATE"), (1, "DELETE"), (2, "RESTORE")]
        stored = api.call("GET", path).json()
        assert (stored["version"], stored["value"]) == (2, "v0")
