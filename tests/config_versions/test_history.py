"""History outlives its integration: readable by whoever could read the integration, no one else."""

from __future__ import annotations

import uuid

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import DBAPIError

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.platform import scopes
from tenant_config.platform.database import db
from tenant_config.platform.encryption.column import keyring
from tenant_config.platform.encryption.keyring import Secret
from tests.support.dumps import database_bytes
from tests.support.tokens import ALL_SCOPES

NOT_FOUND = "urn:tenant-config:problem:not-found"
HISTORY = ConfigVersion.__table__


def versions(integration: dict) -> str:
    return f"/tenantintegrations/{integration['id']}/configs/versions?pageSort=version"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def deleted(client, headers, integration, new_config) -> dict:
    """An integration with a plain and a sensitive config, deleted with cascade=true."""
    new_config(name="plain", value="kept")
    new_config(name="secret", value="s3cret-value", sensitive=True)
    answer = client.delete(f"/tenantintegrations/{integration['id']}?cascade=true", headers=headers)
    assert answer.status_code == 204
    assert (
        client.get(f"/tenantintegrations/{integration['id']}", headers=headers).status_code == 404
    )
    return integration


def test_the_owner_reads_a_deleted_integrations_history(client, headers, deleted):
    answer = client.get(versions(deleted), headers=headers)
    assert answer.status_code == 200, answer.get_json()
    rows = answer.get_json()["content"]
    assert sorted((r["name"], r["version"], r["operation"]) for r in rows) == [
        ("plain", 0, "CREATE"),
        ("plain", 1, "DELETE"),
        ("secret", 0, "CREATE"),
        ("secret", 1, "DELETE"),
    ]
    assert {r["value"] for r in rows if r["name"] == "plain"} == {"kept"}
    assert {r["value"] for r in rows if r["name"] == "secret"} == {"********"}
    assert {r["integration"] for r in rows} == {deleted["id"]}


@pytest.mark.parametrize("claim", ["tenants", "clients", "partner_tenants"])
def test_every_claim_that_read_the_integration_reads_its_history(
    client, make_token, deleted, claim
):
    values = {
        "tenants": [deleted["tenant"]],
        "clients": [deleted["client"]],
        "partner_tenants": [f"{deleted['connector']}:{deleted['partnerTenant']}"],
    }
    answer = client.get(versions(deleted), headers=bearer(make_token(**{claim: values[claim]})))
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["page"]["totalElements"] == 4


def test_an_administrator_reads_it_and_sensitive_values_need_read_sensitive(
    client, make_token, deleted
):
    admin = bearer(make_token(scopes=(*ALL_SCOPES, scopes.ADMIN)))
    rows = client.get(versions(deleted), headers=admin).get_json()["content"]
    assert {r["value"] for r in rows if r["name"] == "secret"} == {"********"}
    revealing = bearer(make_token(scopes=(*ALL_SCOPES, scopes.ADMIN, scopes.CONFIG_READ_SENSITIVE)))
    rows = client.get(versions(deleted), headers=revealing).get_json()["content"]
    assert {r["value"] for r in rows if r["name"] == "secret"} == {"s3cret-value"}


def test_another_tenant_gets_the_same_404_as_for_an_id_that_never_existed(
    client, make_token, deleted
):
    other = bearer(make_token(tenants=[str(uuid.uuid4())], clients=[deleted["tenant"]]))
    theirs = client.get(versions(deleted), headers=other)
    never = client.get(versions({"id": str(uuid.uuid4())}), headers=other)
    assert theirs.status_code == never.status_code == 404
    assert theirs.get_json()["type"] == never.get_json()["type"] == NOT_FOUND
    assert theirs.get_json()["detail"] == never.get_json()["detail"]


def test_a_missing_version_scope_is_still_refused(client, make_token, deleted):
    token = make_token(scopes=(scopes.CONFIG_READ,), tenants=[deleted["tenant"]])
    assert client.get(versions(deleted), headers=bearer(token)).status_code == 403


def test_an_integration_without_configs_has_an_empty_history(client, headers, integration):
    answer = client.get(versions(integration), headers=headers)
    assert answer.status_code == 200
    assert answer.get_json()["content"] == []


def test_an_unknown_integration_is_404(client, headers):
    answer = client.get(versions({"id": str(uuid.uuid4())}), headers=headers)
    assert answer.status_code == 404
    assert answer.get_json()["type"] == NOT_FOUND


def test_turning_a_value_sensitive_seals_its_earlier_plaintexts(
    client, headers, sensitive_headers, integration, new_config, database_url
):
    first, second, control = (f"CANARY-{uuid.uuid4()}" for _ in range(3))
    new_config(name="stays-plain", value=control)
    config = new_config(name="apiKey", value=first, label=None, description=None)
    path = f"/tenantintegrations/{integration['id']}/configs/{config['id']}"
    body = {"group": config["group"], "name": "apiKey"}
    for version, change in enumerate([{"value": second}, {"value": "********", "sensitive": True}]):
        answer = client.put(path, json=body | change | {"version": version}, headers=headers)
        assert answer.status_code == 200, answer.get_json()

    def history(caller):
        rows = client.get(versions(integration) + "&name=apiKey", headers=caller).get_json()
        return [(r["version"], r["sensitive"], r["value"]) for r in rows["content"]]

    assert history(headers) == [(0, True, "********"), (1, True, "********"), (2, True, "********")]
    assert history(sensitive_headers) == [(0, True, first), (1, True, second), (2, True, second)]
    dump = database_bytes(database_url)
    assert control.encode() in dump  # the search reads the stored rows
    assert first.encode() not in dump
    assert second.encode() not in dump


@pytest.fixture
def plain_row(app, new_config) -> tuple[uuid.UUID, uuid.UUID]:
    """(row id, config id) of the CREATE history row of a plain config."""
    created = new_config(value="plain-before")
    with app.app_context():
        row_id = db.session.scalar(
            sa.select(HISTORY.c.id).where(HISTORY.c.tenant_config_id == uuid.UUID(created["id"]))
        )
        db.session.rollback()
    return row_id, uuid.UUID(created["id"])


def _change(app, row_id, **values) -> None:
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(sa.update(HISTORY).where(HISTORY.c.id == row_id).values(**values))


@pytest.mark.parametrize(
    "extra",
    [{"label": "changed"}, {"sensitive": False}, {"value": "plain-before"}, {"name": "other"}],
)
def test_the_guard_refuses_sealing_with_any_other_change(app, plain_row, extra):
    row_id, owner = plain_row
    with app.app_context():
        sealing = {"value": None, "sensitive": True, "secret": Secret(owner, "plain-before")}
        with pytest.raises(DBAPIError, match="append-only"):
            _change(app, row_id, **(sealing | extra))


def test_the_guard_allows_sealing_and_never_opening_again(app, plain_row):
    row_id, owner = plain_row
    with app.app_context():
        _change(app, row_id, value=None, sensitive=True, secret=Secret(owner, "plain-before"))
        row = db.session.execute(sa.select(HISTORY).where(HISTORY.c.id == row_id)).one()
        db.session.rollback()
        assert (row.value, row.sensitive) == (None, True)
        assert keyring().open(row.secret, owner) == "plain-before"
        for opening in (
            {"value": "plain-before", "sensitive": False, "secret": None},
            {"value": "plain-before", "secret": None},
            {"sensitive": False},
        ):
            with pytest.raises(DBAPIError, match="append-only"):
                _change(app, row_id, **opening)
