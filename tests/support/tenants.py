"""A tenant's data made through the API (an integration and a config with history)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from flask.testing import FlaskClient

from tests.support.bodies import config_body, integration_body
from tests.support.tokens import ALL_SCOPES, TokenFactory


@dataclass
class TenantData:
    """One tenant's token, integration, config and the config's ETag."""

    tenant: str
    headers: dict[str, str]
    integration: dict
    config: dict

    @property
    def integration_url(self) -> str:
        return f"/tenantintegrations/{self.integration['id']}"

    @property
    def config_url(self) -> str:
        return f"{self.integration_url}/configs/{self.config['id']}"


def make_tenant(client: FlaskClient, make_token: TokenFactory, **integration) -> TenantData:
    """Create a tenant's integration and a config (updated once, so it has history)."""
    tenant = integration.pop("tenant", None) or str(uuid.uuid4())
    headers = {"Authorization": f"Bearer {make_token(scopes=ALL_SCOPES, tenants=[tenant])}"}
    created = client.post(
        "/tenantintegrations", json=integration_body(tenant, **integration), headers=headers
    )
    assert created.status_code == 201, created.get_json()
    url = f"/tenantintegrations/{created.get_json()['id']}/configs"
    config = client.post(url, json=config_body(), headers=headers)
    assert config.status_code == 201, config.get_json()
    body = config.get_json()
    updated = client.put(
        f"{url}/{body['id']}",
        json=config_body(name=body["name"], value="false", version=0),
        headers=headers,
    )
    assert updated.status_code == 200, updated.get_json()
    return TenantData(tenant, headers, created.get_json(), updated.get_json())


def snapshot(client: FlaskClient, data: TenantData) -> tuple:
    """What tenant B sees of its own data, to compare before and after an attack."""
    integration = client.get(data.integration_url, headers=data.headers)
    config = client.get(data.config_url, headers=data.headers)
    versions = client.get(f"{data.integration_url}/configs/versions", headers=data.headers)
    assert {integration.status_code, config.status_code, versions.status_code} == {200}
    return integration.get_json(), config.get_json(), versions.get_json()
