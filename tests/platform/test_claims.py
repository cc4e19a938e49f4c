"""Token claims: the path syntax of configurable claim names, and odd characters refused."""

from __future__ import annotations

import json
import time
import uuid

import pytest
from sqlalchemy import func, select

from tenant_config.integrations.models import Integration
from tenant_config.platform import scopes
from tenant_config.platform.claims import ClaimNames, MalformedClaim, claim, principal_from_claims
from tenant_config.platform.database import db
from tests.support.forge import sign_rs256
from tests.support.problems import LIST_URL, assert_invalid_token, bearer
from tests.support.tokens import ALL_SCOPES, AUDIENCE, ISSUER

READ = scopes.INTEGRATION_READ
CONFIG_READ = scopes.CONFIG_READ
NAMESPACE = "https://tenant-config.example.com/"
ODD = {"NUL": "a\x00b", "lone surrogate": "a\ud800b", "lone low surrogate": "\udfffb"}


def signed(signing_key, payload: dict, typ: str = "JWT") -> str:
    """Sign `payload`, with valid iss, aud, exp and iat added, by the test key."""
    now = int(time.time())
    body = {"iss": ISSUER, "aud": AUDIENCE, "iat": now, "exp": now + 600} | payload
    header = {"alg": "RS256", "kid": signing_key.kid, "typ": typ}
    return sign_rs256(signing_key, header, json.dumps(body).encode())


# --- the path syntax ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("claims", "path", "expected"),
    [
        ({"tenants": ["t"]}, "tenants", ["t"]),
        ({NAMESPACE + "tenants": ["t"]}, NAMESPACE + "tenants", ["t"]),
        ({"extn.tenants": "t"}, "extn.tenants", "t"),
        ({"a": {"b": {"c": 1}}}, "a.b.c", 1),
        ({"resource_access": {"api.example.com": {"roles": ["r"]}}},
         "resource_access.api.example.com.roles", ["r"]),
        ({"a.b": {"c": 1}, "a": {"b": {"c": 2}}}, "a.b.c", 1),  # the longest key wins
        ({"a.b": {"x": 1}, "a": {"b": {"c": 2}}}, "a.b.c", 2),  # ... unless it leads nowhere
        ({"a": ["b"]}, "a.b", None),
        ({"a": {"b": None}}, "a.b", None),
        ({"a": "b"}, "a.b", None),
        ({}, "tenants", None),
    ],
)  # fmt: skip
def test_claim_paths(claims, path, expected):
    assert claim(claims, path) == expected


def test_scopes_come_from_the_first_listed_claim_present_only():
    names = ClaimNames(scopes=("scp", "roles"))
    both = {"sub": "s", "exp": 1, "scp": "a b", "roles": ["c"]}
    assert principal_from_claims(both, names).scopes == {"a", "b"}
    assert principal_from_claims({"sub": "s", "exp": 1, "roles": ["c"]}, names).scopes == {"c"}
    assert principal_from_claims({"sub": "s", "exp": 1, "scope": "x"}, names).scopes == set()


# --- odd characters in claims ---------------------------------------------------------------

CLAIMS_READ = {
    "sub": lambda v: {"sub": v, "email": None},
    "email": lambda v: {"email": v},
    "preferred_username": lambda v: {"preferred_username": v},
    "client_id": lambda v: {"client_id": v},
    "scope": lambda v: {"scope": f"{READ} {v}"},
    "scp": lambda v: {"scp": [READ, v]},
    "tenants": lambda v: {"tenants": [str(uuid.uuid4()), v]},
    "clients": lambda v: {"clients": v},
    "partner_tenants": lambda v: {"partner_tenants": [f"BIGCOMMERCE_OSERIES:{v}"]},
}


@pytest.mark.parametrize("odd", ODD.values(), ids=ODD.keys())
@pytest.mark.parametrize("name", CLAIMS_READ)
def test_odd_characters_in_a_claim_refuse_the_token(client, app, signing_key, name, odd):
    payload = {"sub": "user-1", "email": "a@example.com", "scope": READ} | CLAIMS_READ[name](odd)
    if name == "scp":
        del payload["scope"]
    token = signed(signing_key, {k: v for k, v in payload.items() if v is not None})
    assert_invalid_token(client.get(LIST_URL, headers=bearer(token)))
    body = {"name": "odd", "tenant": str(uuid.uuid4()), "partnerTenant": "p", "client": "c",
            "connector": "BIGCOMMERCE_OSERIES"}  # fmt: skip
    with app.app_context():
        before = db.session.scalar(select(func.count()).select_from(Integration))
    assert_invalid_token(client.post(LIST_URL, json=body, headers=bearer(token)))
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Integration)) == before


@pytest.mark.parametrize("odd", ODD.values(), ids=ODD.keys())
@pytest.mark.parametrize(
    ("settings", "payload"),
    [
        ({"jwt_scope_claims": ("resource_access.tenant-config.roles",)},
         lambda v: {"resource_access": {"tenant-config": {"roles": [READ, v]}}}),
        ({"jwt_tenants_claim": NAMESPACE + "tenants"},
         lambda v: {NAMESPACE + "tenants": [v]}),
        ({"jwt_clients_claim": "tenant_config.clients"},
         lambda v: {"tenant_config": {"clients": [v]}}),
        ({"jwt_partner_tenants_claim": "roles"},
         lambda v: {"roles": [f"BIGCOMMERCE_OSERIES:{v}"]}),
    ],
)  # fmt: skip
def test_odd_characters_in_a_configured_claim_refuse_the_token(
    make_app, signing_key, settings, payload, odd
):
    client = make_app(**settings).test_client()
    token = signed(signing_key, {"sub": "user-1", "scope": READ} | payload(odd))
    assert_invalid_token(client.get(LIST_URL, headers=bearer(token)))
    clean = signed(signing_key, {"sub": "user-1", "scope": READ} | payload("clean"))
    assert client.get(LIST_URL, headers=bearer(clean)).status_code in {200, 403}


def test_a_surrogate_pair_and_odd_claims_the_service_does_not_read_are_fine(
    client, signing_key, tenant
):
    payload = {"sub": "u", "email": "\U0001f600@example.com", "scope": " ".join(ALL_SCOPES),
               "tenants": [tenant], "given_name": "a\x00\ud800"}  # fmt: skip
    raw = json.dumps(payload)
    assert "\\ud83d\\ude00" in raw  # JSON writes the emoji as a pair of surrogate escapes
    token = signed(signing_key, payload)
    body = {"name": "emoji", "tenant": tenant, "partnerTenant": str(uuid.uuid4()),
            "client": str(uuid.uuid4()), "connector": "BIGCOMMERCE_OSERIES"}  # fmt: skip
    response = client.post(LIST_URL, json=body, headers=bearer(token))
    assert response.status_code == 201, response.get_json()
    assert response.get_json()["createdBy"] == "\U0001f600@example.com"


def test_invalid_utf8_in_the_payload_refuses_the_token(client, signing_key):
    raw = b'{"iss": "%s", "aud": "%s", "exp": %d, "sub": "\xff\xfe"}' % (
        ISSUER.encode(), AUDIENCE.encode(), int(time.time()) + 600,
    )  # fmt: skip
    token = sign_rs256(signing_key, {"alg": "RS256", "kid": signing_key.kid}, raw)
    assert_invalid_token(client.get(LIST_URL, headers=bearer(token)))


def test_malformed_claim_error_names_the_claim_not_the_value():
    with pytest.raises(MalformedClaim) as raised:
        principal_from_claims({"sub": "s", "exp": 1, "tenants": ["secret\x00value"]})
    assert raised.value.args == ("tenants",)
