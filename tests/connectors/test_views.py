"""The machine lookup by connector and partner tenant."""

from __future__ import annotations


def lookup(client, headers, integration, query=""):
    url = f"/connectors/{integration['connector']}/partnertenants/{integration['partnerTenant']}"
    return client.get(f"{url}/configs{query}", headers=headers)


def test_lookup_returns_the_integrations_configs(client, headers, integration, new_config):
    mine = [new_config(name="one", group="g1"), new_config(name="two", group="g2")]
    response = lookup(client, headers, integration, "?pageSort=name")
    assert response.status_code == 200
    assert response.get_json()["content"] == mine
    filtered = lookup(client, headers, integration, "?group=g2").get_json()["content"]
    assert filtered == [mine[1]]


def test_lookup_of_an_unknown_partner_or_connector_is_an_empty_page(
    client, headers, integration, new_config
):
    new_config()
    for path in (
        f"/connectors/{integration['connector']}/partnertenants/unknown/configs",
        f"/connectors/SAPTAX_OSERIES/partnertenants/{integration['partnerTenant']}/configs",
    ):
        response = client.get(path, headers=headers)
        assert response.status_code == 200
        assert response.get_json()["content"] == []


def test_lookup_with_a_partner_tenant_claim_only(client, make_token, integration, new_config):
    config = new_config()
    claim = f"{integration['connector']}:{integration['partnerTenant']}"
    connector = make_token(
        scopes=["ConnTenantConfigApi:TenantConfig:Read"], partner_tenants=[claim]
    )
    response = lookup(client, {"Authorization": f"Bearer {connector}"}, integration)
    assert response.get_json()["content"] == [config]
    write = client.post(
        f"/tenantintegrations/{integration['id']}/configs",
        json={"group": "g", "name": "n"},
        headers={"Authorization": f"Bearer {connector}"},
    )
    assert write.status_code == 403
