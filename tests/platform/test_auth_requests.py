"""How a request carries its token, what the token must grant, and whom it names."""

from __future__ import annotations

import uuid

import pytest

from tenant_config.platform import scopes
from tenant_config.platform.scopes import ADMIN, METRICS_READ
from tests.support.forge import claims, sign_rs256
from tests.support.problems import (
    LIST_URL,
    assert_bare_challenge,
    assert_invalid_token,
    assert_problem,
)
from tests.support.tokens import ALL_SCOPES

PUBLIC_PATHS = {"/health/live", "/health/ready"}  # probes answer without a token by design


def test_no_token(client):
    body = assert_bare_challenge(client.get(LIST_URL))
    assert "encounteredBy" not in body


@pytest.mark.parametrize(
    "value", ["Basic x", "Basic dXNlcjpwYXNz", "Bearer", "Bearer ", "Digest a"]
)
def test_unusable_authorization_headers(client, value):
    assert_bare_challenge(client.get(LIST_URL, headers={"Authorization": value}))


@pytest.mark.parametrize("value", ["Bearer a b", "Bearer  a", "bearer x.y.z", "Bearer \t x"])
def test_bearer_with_junk(client, value):
    assert_invalid_token(client.get(LIST_URL, headers={"Authorization": value}))


def test_lowercase_scheme_with_a_good_token(client, token):
    assert client.get(LIST_URL, headers={"Authorization": f"bearer {token}"}).status_code == 200


def test_token_only_in_query_is_not_accepted(client, token):
    response = client.get(LIST_URL, query_string={"access_token": token})
    body = assert_bare_challenge(response)
    assert "Authorization header" in body["detail"]
    assert "encounteredBy" not in body


def test_token_in_header_and_query(client, headers, token):
    response = client.get(LIST_URL, query_string={"access_token": token}, headers=headers)
    assert_problem(response, 400)
    assert response.headers["WWW-Authenticate"] == (
        'Bearer realm="tenant-config", error="invalid_request"'
    )


def test_missing_scope(client, make_token, tenant):
    token = make_token(scopes=[scopes.CONFIG_READ], tenants=[tenant])
    response = client.post(
        LIST_URL, json={"name": "x"}, headers={"Authorization": f"Bearer {token}"}
    )
    body = assert_problem(response, 403)
    challenge = 'Bearer realm="tenant-config", error="insufficient_scope", scope="{}"'
    assert response.headers["WWW-Authenticate"] == challenge.format(scopes.INTEGRATION_WRITE)
    assert body["encounteredBy"] == "user1@companyxyz.com"


def test_scope_names_are_exact(client, make_token):
    near_misses = [
        scopes.INTEGRATION_READ.lower(),
        scopes.INTEGRATION_READ + "x",
        "ConnTenantConfigApi",
    ]
    token = make_token(scopes=near_misses)
    response = client.get(LIST_URL, headers={"Authorization": f"Bearer {token}"})
    assert_problem(response, 403)


def test_admin_scope_alone_grants_no_operation(client, make_token):
    token = make_token(scopes=[scopes.ADMIN])
    response = client.get(LIST_URL, headers={"Authorization": f"Bearer {token}"})
    assert_problem(response, 403)


@pytest.mark.parametrize(
    "scope_claims",
    [
        {"scope": None, "scp": [scopes.INTEGRATION_READ, "other"]},
        {"scope": None, "scp": f"other {scopes.INTEGRATION_READ}"},
        {"scope": f"openid {scopes.INTEGRATION_READ} profile"},
        {"scope": [scopes.INTEGRATION_READ]},
    ],
    ids=["scp-list", "scp-string", "scope-string", "scope-list"],
)
def test_scope_claim_forms(client, make_token, scope_claims):
    token = make_token(**scope_claims)
    assert client.get(LIST_URL, headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize("typ", ["at+jwt", "JWT", "application/at+jwt", "application/jwt", None])
def test_token_types_of_common_identity_providers(client, signing_key, typ):
    header = {"alg": "RS256", "kid": "test-key-1"} | ({"typ": typ} if typ else {})
    token = sign_rs256(signing_key, header, claims(jti=None, client_id=None))
    assert client.get(LIST_URL, headers={"Authorization": f"Bearer {token}"}).status_code == 200


@pytest.mark.parametrize("typ", ["JWE", "id_token", "logout+jwt", 1])
def test_other_token_types_are_refused(client, signing_key, typ):
    token = sign_rs256(signing_key, {"alg": "RS256", "kid": "test-key-1", "typ": typ}, claims())
    assert_invalid_token(client.get(LIST_URL, headers={"Authorization": f"Bearer {token}"}))


@pytest.mark.parametrize(
    ("identity_claims", "expected"),
    [
        ({}, "user1@companyxyz.com"),
        ({"email": None, "preferred_username": "jdoe"}, "jdoe"),
        ({"email": None, "client_id": "connector-7"}, "connector-7"),
        ({"email": None, "preferred_username": "jdoe", "client_id": "c"}, "jdoe"),
        ({"email": None}, "user-1"),
    ],
)
def test_identity_recorded_as_creator(
    client, make_token, tenant, new_integration, identity_claims, expected
):
    token = make_token(tenants=[tenant], **identity_claims)
    headers = {"Authorization": f"Bearer {token}"}
    created = new_integration()
    url = f"/tenantintegrations/{created['id']}"
    body = {k: created[k] for k in ("name", "client", "tenant", "partnerTenant", "connector")}
    response = client.put(url, json=body | {"name": "renamed", "version": 0}, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.get_json()["updatedBy"] == expected
    assert created["createdBy"] == "user1@companyxyz.com"
    missing = client.get(f"/tenantintegrations/{uuid.uuid4()}", headers=headers)
    assert assert_problem(missing, 404)["encounteredBy"] == expected


def test_token_without_any_identity_is_refused(client, make_token):
    token = make_token(sub=None, email=None)
    assert_invalid_token(client.get(LIST_URL, headers={"Authorization": f"Bearer {token}"}))


IDP_SHAPES = {
    "keycloak": (
        {"typ": "JWT"},
        {"aud": ["account", "tenant-config"], "azp": "admin-ui", "preferred_username": "kc"},
    ),
    "entra-id": (
        {"typ": "JWT", "x5t": "abc"},
        {"scope": None, "scp": scopes.INTEGRATION_READ, "email": None, "oid": "o", "tid": "t"},
    ),
    "auth0": ({"typ": "at+jwt"}, {"aud": ["tenant-config", "https://x.auth0.com/userinfo"]}),
    "okta": ({}, {"scope": None, "scp": [scopes.INTEGRATION_READ], "cid": "0oa1", "uid": "00u"}),
}


@pytest.mark.parametrize("idp", IDP_SHAPES)
def test_tokens_shaped_like_common_identity_providers(client, signing_key, idp):
    header, overrides = IDP_SHAPES[idp]
    header = {"alg": "RS256", "kid": signing_key.kid} | header
    token = sign_rs256(signing_key, header, claims(**overrides))
    assert client.get(LIST_URL, headers={"Authorization": f"Bearer {token}"}).status_code == 200


def test_every_operation_documents_its_scope(client):
    known = {*ALL_SCOPES, METRICS_READ, ADMIN}
    spec = client.get("/openapi.json").get_json()
    operations = [
        operation
        for url, path in spec["paths"].items()
        for method, operation in path.items()
        if method != "parameters" and url not in PUBLIC_PATHS
    ]
    assert len(operations) >= 10
    for operation in operations:
        # {} = no token needed: /metrics unless TENANT_CONFIG_METRICS_REQUIRE_TOKEN=true
        [requirement] = [r for r in operation["security"] if r]
        assert requirement["bearerAuth"][0] in known
        assert {"400", "401", "403", "503"} <= operation["responses"].keys()
