"""The README's identity provider recipes, end to end: a token shaped as each IdP issues it (with
the recipe's settings) decides which integrations are visible and which scopes pass."""

from __future__ import annotations

import json
import time
import uuid

import pytest

from tenant_config.platform import scopes
from tests.support.forge import sign_rs256
from tests.support.problems import assert_problem, bearer
from tests.support.tokens import ALL_SCOPES, AUDIENCE, ISSUER

NS = "https://tenant-config.example.com/"
KEYCLOAK = {
    "jwt_scope_claims": ("resource_access.tenant-config.roles",),
    "jwt_tenants_claim": "tenant_config.tenants",
    "jwt_partner_tenants_claim": "tenant_config.partner_tenants",
}
ENTRA = {
    "jwt_scope_claims": ("scp", "roles"),
    "jwt_tenants_claim": "extn.tenants",
    "jwt_partner_tenants_claim": "roles",
}
AUTH0 = {
    "jwt_scope_claims": ("permissions", "scope"),
    "jwt_tenants_claim": NS + "tenants",
    "jwt_clients_claim": NS + "clients",
    "jwt_partner_tenants_claim": NS + "partner_tenants",
}
OKTA: dict = {}  # the defaults read Okta's `scp` list and claims named as here


def signed(signing_key, payload: dict, typ: str = "JWT") -> str:
    now = int(time.time())
    body = {"iss": ISSUER, "iat": now, "exp": now + 600} | payload
    header = {"alg": "RS256", "kid": signing_key.kid, "typ": typ}
    return sign_rs256(signing_key, header, json.dumps(body).encode())


@pytest.fixture
def a_and_b(client, make_token) -> tuple[dict, dict]:
    """Integration A (the caller's tenant) and B (another's), one config each, made by an admin."""
    admin = bearer(make_token(scopes=(*ALL_SCOPES, scopes.ADMIN)))
    made = []
    for _ in range(2):
        body = {"name": "recipe", "client": str(uuid.uuid4()), "tenant": str(uuid.uuid4()),
                "partnerTenant": str(uuid.uuid4()), "connector": "BIGCOMMERCE_OSERIES"}  # fmt: skip
        integration = client.post("/tenantintegrations", json=body, headers=admin).get_json()
        config = {"group": "g", "name": "p1", "value": "v1"}
        url = f"/tenantintegrations/{integration['id']}/configs"
        assert client.post(url, json=config, headers=admin).status_code == 201
        made.append(integration)
    return made[0], made[1]


def status(client, token: str, integration: dict) -> int:
    return client.get(f"/tenantintegrations/{integration['id']}", headers=bearer(token)).status_code


def looked_up(client, token: str, integration: dict) -> list[str]:
    """The config names the connector lookup returns for the integration's partner tenant."""
    url = f"/connectors/BIGCOMMERCE_OSERIES/partnertenants/{integration['partnerTenant']}/configs"
    response = client.get(url, headers=bearer(token))
    assert response.status_code == 200, response.get_json()
    return [c["name"] for c in response.get_json()["content"]]


def assert_user_recipe(client, user: str, a: dict, b: dict) -> None:
    """The admin-UI user of tenant A reads A, not B, and may not write configs."""
    assert (status(client, user, a), status(client, user, b)) == (200, 404)
    url = f"/tenantintegrations/{a['id']}/configs"
    body = {"group": "g", "name": "new", "value": "v"}
    assert_problem(client.post(url, json=body, headers=bearer(user)), 403)


def assert_connector_recipe(client, connector: str, a: dict, b: dict) -> None:
    """A's partner tenant's connector looks up A's configs, nothing of B's, and no integration."""
    assert looked_up(client, connector, a) == ["p1"]
    assert looked_up(client, connector, b) == []
    assert_problem(client.get(f"/tenantintegrations/{a['id']}", headers=bearer(connector)), 403)


def test_keycloak(make_app, signing_key, a_and_b):
    a, b = a_and_b
    client = make_app(**KEYCLOAK).test_client()
    common = {"aud": [AUDIENCE, "account"], "typ": "Bearer", "scope": "openid email profile",
              "realm_access": {"roles": ["offline_access", "default-roles-acme"]}}  # fmt: skip
    user = signed(signing_key, common | {
        "sub": str(uuid.uuid4()), "azp": "tenant-config-ui", "preferred_username": "alice",
        "email": "alice@acme.example", "tenant_config": {"tenants": [a["tenant"]]},
        "resource_access": {"tenant-config": {"roles": [scopes.INTEGRATION_READ]},
                            "account": {"roles": ["manage-account"]}},
    })  # fmt: skip
    assert_user_recipe(client, user, a, b)
    connector = signed(signing_key, common | {
        "sub": str(uuid.uuid4()), "azp": "connector-bigcommerce",
        "client_id": "connector-bigcommerce",
        "preferred_username": "service-account-connector-bigcommerce",
        "tenant_config": {"partner_tenants": [f"BIGCOMMERCE_OSERIES:{a['partnerTenant']}"]},
        "resource_access": {"tenant-config": {"roles": [scopes.CONFIG_READ]}},
    })  # fmt: skip
    assert_connector_recipe(client, connector, a, b)
    # The realm's `scope` claim is not read: roles of another client grant nothing either.
    other = signed(signing_key, common | {
        "sub": "x", "scope": scopes.INTEGRATION_READ, "tenant_config": {"tenants": [a["tenant"]]},
        "resource_access": {"other-client": {"roles": [scopes.INTEGRATION_READ]}},
    })  # fmt: skip
    assert status(client, other, a) == 403


def test_entra_id(make_app, signing_key, a_and_b):
    a, b = a_and_b
    client = make_app(**ENTRA).test_client()
    common = {"aud": AUDIENCE, "ver": "2.0", "tid": str(uuid.uuid4()), "azpacr": "1"}
    user = signed(signing_key, common | {
        "sub": "AAAAAAAAAAAAAAAAAAAAAIkzqFVrSaSaFHy782bbtaQ", "oid": str(uuid.uuid4()),
        "azp": str(uuid.uuid4()), "name": "Alice", "preferred_username": "alice@contoso.com",
        "scp": scopes.INTEGRATION_READ, "extn.tenants": a["tenant"],
    })  # fmt: skip
    assert_user_recipe(client, user, a, b)
    app_id = str(uuid.uuid4())
    connector = signed(signing_key, common | {
        "sub": str(uuid.uuid4()), "oid": str(uuid.uuid4()), "azp": app_id, "idtyp": "app",
        "roles": [scopes.CONFIG_READ, f"BIGCOMMERCE_OSERIES:{a['partnerTenant']}"],
    })  # fmt: skip
    assert_connector_recipe(client, connector, a, b)


def test_auth0(make_app, signing_key, a_and_b):
    a, b = a_and_b
    client = make_app(**AUTH0).test_client()
    user = signed(signing_key, {
        "sub": "auth0|64f1c0ffee", "aud": [AUDIENCE, "https://acme.eu.auth0.com/userinfo"],
        "azp": "Xy7uiClient", "scope": "openid profile email",
        "permissions": [scopes.INTEGRATION_READ], NS + "tenants": [a["tenant"]],
    }, typ="at+jwt")  # fmt: skip
    assert_user_recipe(client, user, a, b)
    connector = signed(signing_key, {
        "sub": "M2MClientId@clients", "aud": AUDIENCE, "azp": "M2MClientId",
        "gty": "client-credentials", "scope": scopes.CONFIG_READ,
        NS + "partner_tenants": f"BIGCOMMERCE_OSERIES:{a['partnerTenant']}",
    }, typ="at+jwt")  # fmt: skip
    assert_connector_recipe(client, connector, a, b)
    by_client = signed(signing_key, {
        "sub": "auth0|c", "aud": AUDIENCE, "permissions": [scopes.INTEGRATION_READ],
        NS + "clients": [b["client"]],
    })  # fmt: skip
    assert (status(client, by_client, a), status(client, by_client, b)) == (404, 200)


def test_okta_with_the_defaults(make_app, signing_key, a_and_b):
    a, b = a_and_b
    client = make_app(**OKTA).test_client()
    common = {"ver": 1, "aud": AUDIENCE, "jti": "AT.x", "cid": "0oa1connector"}
    user = signed(signing_key, common | {
        "uid": "00u1alice", "sub": "alice@acme.example", "scp": [scopes.INTEGRATION_READ],
        "tenants": [a["tenant"]],
    })  # fmt: skip
    assert_user_recipe(client, user, a, b)
    connector = signed(signing_key, common | {
        "sub": "0oa1connector", "scp": [scopes.CONFIG_READ],
        "partner_tenants": [f"BIGCOMMERCE_OSERIES:{a['partnerTenant']}"],
    })  # fmt: skip
    assert_connector_recipe(client, connector, a, b)


def test_a_recipe_changes_nothing_for_the_default_claims(make_app, signing_key, a_and_b):
    a, _ = a_and_b
    client = make_app(**KEYCLOAK).test_client()
    default_shaped = signed(signing_key, {
        "sub": "u", "aud": AUDIENCE, "scope": scopes.INTEGRATION_READ, "tenants": [a["tenant"]],
    })  # fmt: skip
    assert status(client, default_shaped, a) == 403  # neither scope nor tenants are read here
