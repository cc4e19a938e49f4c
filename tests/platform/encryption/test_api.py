"""Sensitive values through the API: encrypted at rest, masked unless revealed, UI round trips."""

from __future__ import annotations

import uuid

import pytest
from sqlalchemy import Text, select, type_coerce

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.configs.models import Config
from tenant_config.platform.database import db
from tests.support.settings import assert_key_id, session_fernet_key

MASK = "********"


def stored(app, config_id: str) -> tuple[str | None, str | None]:
    """Return the raw `value` and `secret` columns of a config row."""
    table = Config.__table__
    with app.app_context():
        return db.session.execute(
            select(table.c.value, type_coerce(table.c.secret, Text)).where(
                table.c.id == uuid.UUID(config_id)
            )
        ).one()


def stored_history(app, config_id: str) -> list[tuple]:
    table = ConfigVersion.__table__
    with app.app_context():
        return db.session.execute(
            select(table.c.version, table.c.value, type_coerce(table.c.secret, Text))
            .where(table.c.tenant_config_id == uuid.UUID(config_id))
            .order_by(table.c.version)
        ).all()


@pytest.fixture
def urls(integration):
    base = f"/tenantintegrations/{integration['id']}/configs"
    return {
        "configs": base,
        "config": lambda config: f"{base}/{config['id']}",
        "versions": f"{base}/versions",
        "lookup": f"/connectors/{integration['connector']}/partnertenants/"
        f"{integration['partnerTenant']}/configs",
    }


def test_sensitive_value_is_stored_encrypted_with_the_primary_key_id(app, new_config):
    secret = f"s3cret-{uuid.uuid4()}"
    created = new_config(value=secret, sensitive=True)
    value, ciphertext = stored(app, created["id"])
    assert value is None
    kid, _, token = ciphertext.partition(":")
    assert_key_id(kid, session_fernet_key())
    assert secret not in token
    [(version, history_value, history_secret)] = stored_history(app, created["id"])
    assert (version, history_value) == (0, None)
    assert history_secret.startswith(kid + ":")
    # Every value of the primary key carries its id.
    assert stored(app, new_config(value="other", sensitive=True)["id"])[1].startswith(kid + ":")


def test_plain_value_stays_plain(app, new_config):
    created = new_config(value="true", sensitive=False)
    assert stored(app, created["id"]) == ("true", None)


def test_every_answer_masks_a_sensitive_value_without_read_sensitive(
    client, headers, urls, new_config
):
    created = new_config(value="hunter2", sensitive="true")
    assert created["value"] == MASK
    assert created["sensitive"] is True
    answers = [
        client.get(urls["config"](created), headers=headers).get_json(),
        *client.get(urls["configs"], headers=headers).get_json()["content"],
        *client.get(urls["lookup"], headers=headers).get_json()["content"],
        *client.get(urls["versions"], headers=headers).get_json()["content"],
    ]
    assert len(answers) == 4
    assert all(answer["value"] == MASK for answer in answers)
    assert "hunter2" not in str(answers)


def test_read_sensitive_reveals_everywhere_with_no_store(
    client, headers, sensitive_headers, urls, new_config
):
    created = new_config(value="hunter2", sensitive=True)
    for url in (urls["config"](created), urls["configs"], urls["lookup"], urls["versions"]):
        response = client.get(url, headers=sensitive_headers)
        assert response.status_code == 200
        assert "hunter2" in response.get_data(as_text=True)
        assert response.headers["Cache-Control"] == "no-store"
        masked = client.get(url, headers=headers)
        assert masked.headers["Cache-Control"] == "private"
    created_plain = new_config(value="true")
    response = client.get(urls["config"](created_plain), headers=sensitive_headers)
    assert response.get_json()["value"] == "true"
    assert response.headers["Cache-Control"] == "private"


def put(client, url, body, headers, etag=None):
    return client.put(url, json=body, headers=headers | ({"If-Match": etag} if etag else {}))


def body_of(config: dict, **changes) -> dict:
    fields = ("group", "name", "label", "description", "value", "sensitive", "version")
    return {key: config[key] for key in fields} | changes


def test_put_with_the_mask_keeps_the_secret_and_bumps_only_on_other_changes(
    app, client, headers, sensitive_headers, urls, new_config
):
    created = new_config(value="hunter2", sensitive=True)
    url = urls["config"](created)
    before = stored(app, created["id"])
    unchanged = put(client, url, body_of(created), headers)
    assert unchanged.status_code == 200
    assert unchanged.get_json()["version"] == 0
    assert stored(app, created["id"]) == before
    relabelled = put(client, url, body_of(created, label="New label"), headers)
    assert relabelled.status_code == 200
    assert relabelled.get_json()["version"] == 1
    revealed = client.get(url, headers=sensitive_headers).get_json()
    assert (revealed["value"], revealed["label"]) == ("hunter2", "New label")
    history = client.get(urls["versions"], headers=sensitive_headers).get_json()["content"]
    assert sorted((row["version"], row["value"]) for row in history) == [
        (0, "hunter2"),
        (1, "hunter2"),
    ]


def test_put_of_the_revealed_value_changes_nothing(client, sensitive_headers, urls, new_config):
    created = new_config(value="hunter2", sensitive=True)
    url = urls["config"](created)
    same = put(client, url, body_of(created, value="hunter2"), sensitive_headers)
    assert same.get_json()["version"] == 0
    changed = put(client, url, body_of(created, value="hunter3"), sensitive_headers)
    assert changed.get_json()["version"] == 1
    assert changed.get_json()["value"] == "hunter3"
    assert changed.headers["Cache-Control"] == "no-store"


def test_switching_to_sensitive_encrypts_the_current_value(
    app, client, headers, sensitive_headers, urls, new_config
):
    created = new_config(value="plain-then-secret")
    url = urls["config"](created)
    response = put(client, url, body_of(created, sensitive=True, value=MASK), headers)
    assert response.status_code == 200
    assert response.get_json()["version"] == 1
    value, ciphertext = stored(app, created["id"])
    assert value is None
    assert ciphertext
    assert client.get(url, headers=sensitive_headers).get_json()["value"] == "plain-then-secret"
    other = new_config(value="sent-along")
    response = put(client, urls["config"](other), body_of(other, sensitive=True), headers)
    assert response.get_json()["value"] == MASK
    assert stored(app, other["id"])[0] is None


@pytest.mark.parametrize("sent", [{"value": MASK}, {"value": None}, {}])
def test_switching_to_plain_needs_a_new_value(app, client, headers, urls, new_config, sent):
    created = new_config(value="hunter2", sensitive=True)
    url = urls["config"](created)
    body = {k: v for k, v in body_of(created, sensitive=False).items() if k != "value"} | sent
    body["label"] = "Changed too"
    before = stored(app, created["id"]), stored_history(app, created["id"])
    response = put(client, url, body, headers)
    assert response.status_code == 422
    assert response.mimetype == "application/problem+json"
    assert "value" in response.get_json()["errors"]
    assert (stored(app, created["id"]), stored_history(app, created["id"])) == before
    assert client.get(url, headers=headers).get_json()["label"] == created["label"]


def test_a_new_sensitive_value_cannot_be_the_mask(client, headers, urls):
    body = {"group": "g", "name": "masked", "value": MASK, "sensitive": True}
    response = client.post(urls["configs"], json=body, headers=headers)
    assert response.status_code == 422
    assert "value" in response.get_json()["errors"]
    listed = client.get(urls["configs"], headers=headers).get_json()
    assert listed["page"]["totalElements"] == 0


def test_switching_to_plain_with_a_new_value(app, client, headers, urls, new_config):
    created = new_config(value="hunter2", sensitive=True)
    url = urls["config"](created)
    response = put(client, url, body_of(created, sensitive=False, value="now-plain"), headers)
    assert response.status_code == 200
    assert response.get_json()["value"] == "now-plain"
    assert stored(app, created["id"]) == ("now-plain", None)


def test_delete_keeps_the_encrypted_value_in_history(
    app, client, headers, sensitive_headers, urls, new_config
):
    created = new_config(value="hunter2", sensitive=True)
    response = client.delete(urls["config"](created), headers=headers)
    assert response.status_code == 204
    history = client.get(urls["versions"], headers=sensitive_headers).get_json()["content"]
    assert {(row["operation"], row["value"]) for row in history} == {
        ("CREATE", "hunter2"),
        ("DELETE", "hunter2"),
    }
    assert all(secret and value is None for _v, value, secret in stored_history(app, created["id"]))
