"""History outlives its integration: readable by whoever could read the integration, no one else."""

from __future__ import annotations

import uuid

import pytest

from tenant_config.platform import scopes
from tests.tokens import ALL_SCOPES

NOT_FOUND = "urn:tenant-config:problem:not-found"


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
