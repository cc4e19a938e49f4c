"""Which claims make an integration visible; tokens without claims see nothing; odd claims are
refused; and no route answers without a token."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import url_for

from tenant_config.platform import scopes
from tests.support.bodies import integration_body
from tests.support.forge import claims as valid_claims
from tests.support.forge import sign_rs256
from tests.support.problems import (
    assert_bare_challenge,
    assert_invalid_token,
    assert_problem,
    bearer,
)
from tests.support.tenants import make_tenant
from tests.support.tokens import ALL_SCOPES

# The admin UI's pages sign in with a session, not a bearer token: tests/ui/test_shell.py
# walks them.
PUBLIC = re.compile(r"^/(openapi\.json|docs/?|docs/assets/.*|health/.*|metrics|ui/.*)$")


@pytest.fixture
def b(client, make_token):
    return make_tenant(client, make_token)


def raw_token(signing_key, **overrides) -> str:
    """A token whose claims go out exactly as given (None removes one)."""
    header = {"alg": "RS256", "kid": signing_key.kid, "typ": "JWT"}
    return sign_rs256(signing_key, header, valid_claims(scope=" ".join(ALL_SCOPES), **overrides))


def sees(client, headers, b) -> bool:
    """Tell whether a caller sees B's integration, configs, history, lists and lookup alike."""
    urls = [
        b.integration_url,
        b.config_url,
        f"{b.integration_url}/configs",
        f"{b.integration_url}/configs/versions",
        f"{b.integration_url}/instances",
    ]
    statuses = {client.get(url, headers=headers).status_code for url in urls}
    assert statuses in ({200}, {404}), statuses
    listed = client.get(
        "/tenantintegrations", query_string={"tenant": b.tenant}, headers=headers
    ).get_json()["content"]
    i = b.integration
    lookup = client.get(
        f"/connectors/{i['connector']}/partnertenants/{i['partnerTenant']}/configs",
        headers=headers,
    ).get_json()["content"]
    visible = statuses == {200}
    assert bool(listed) == visible
    assert bool(lookup) == visible
    return visible


def test_the_tenants_claim(client, make_token, b):
    assert sees(client, bearer(make_token(tenants=[b.tenant])), b)
    assert sees(client, bearer(make_token(tenants=[b.tenant.upper()])), b)
    assert not sees(client, bearer(make_token(tenants=[str(uuid.uuid4())])), b)


def test_the_clients_claim(client, make_token, b):
    assert sees(client, bearer(make_token(clients=[b.integration["client"]])), b)
    assert not sees(client, bearer(make_token(clients=[str(uuid.uuid4())])), b)
    assert not sees(client, bearer(make_token(tenants=[b.integration["client"]])), b)


def test_the_partner_tenants_claim(client, make_token, b):
    i = b.integration
    claim = f"{i['connector']}:{i['partnerTenant']}"
    assert sees(client, bearer(make_token(partner_tenants=[claim])), b)
    for wrong in (
        f"SAPTAX_OSERIES:{i['partnerTenant']}",
        i["partnerTenant"],
        f"{i['connector']}:",
        f":{i['partnerTenant']}",
        f"{i['connector']}:{i['partnerTenant']}:x",
    ):
        assert not sees(client, bearer(make_token(partner_tenants=[wrong])), b), wrong


def test_partner_tenant_claim_for_the_longest_partner_tenant(client, make_token):
    b = make_tenant(client, make_token, partnerTenant="p" * 240 + uuid.uuid4().hex[:15])
    claim = f"{b.integration['connector']}:{b.integration['partnerTenant']}"
    assert sees(client, bearer(make_token(partner_tenants=[claim])), b)


def test_admin_sees_every_tenant(client, make_token, b):
    admin = bearer(make_token(scopes=(*ALL_SCOPES, scopes.ADMIN)))
    assert sees(client, admin, b)
    body = integration_body(str(uuid.uuid4()))
    assert client.post("/tenantintegrations", json=body, headers=admin).status_code == 201


@pytest.mark.parametrize(
    "claims",
    [{}, {"tenants": None, "clients": None, "partner_tenants": None}, {"tenants": ""}],
    ids=["empty-lists", "absent", "empty-string"],
)
def test_no_tenant_claims_see_nothing(client, signing_key, b, claims):
    headers = bearer(raw_token(signing_key, **claims))
    assert not sees(client, headers, b)
    listed = client.get("/tenantintegrations", query_string={"pageSize": 1}, headers=headers)
    assert listed.get_json()["page"]["totalElements"] == 0
    created = client.post("/tenantintegrations", json=integration_body(b.tenant), headers=headers)
    assert_problem(created, 403)


@pytest.mark.parametrize(
    "claims",
    [
        {"tenants": 5},
        {"tenants": {"id": "x"}},
        {"tenants": [1, 2]},
        {"tenants": [["nested"]]},
        {"tenants": [""]},
        {"tenants": ["x" * 300]},
        {"tenants": True},
        {"clients": 5},
        {"clients": {"a": 1}},
        {"partner_tenants": 5},
        {"partner_tenants": ["BIGCOMMERCE_OSERIES:" + "p" * 600]},
        {"partner_tenants": {"BIGCOMMERCE_OSERIES": "pt"}},
        {"tenants": [str(i) for i in range(2000)]},
    ],
    ids=repr,
)
def test_malformed_claims_are_refused(client, signing_key, claims):
    headers = bearer(raw_token(signing_key, **claims))
    assert_invalid_token(client.get("/tenantintegrations", headers=headers))


SAMPLE_ARGUMENTS = {
    "integration_id": uuid.uuid4(),
    "config_id": uuid.uuid4(),
    "connector": "BIGCOMMERCE_OSERIES",
    "partner_tenant": "x",
    "name": "messageLogEnabled",
    "version": 0,
    "instance": "worker-1",
}


def _sample_url(app, rule) -> str:
    with app.test_request_context():
        return url_for(rule.endpoint, **{name: SAMPLE_ARGUMENTS[name] for name in rule.arguments})


def test_every_route_needs_a_token(app, client):
    checked = 0
    for rule in app.url_map.iter_rules():
        if PUBLIC.match(rule.rule):
            continue
        url = _sample_url(app, rule)
        for method in sorted(rule.methods - {"OPTIONS"}):
            response = client.open(
                url, method=method, json={} if method in {"POST", "PUT"} else None
            )
            assert response.status_code == 401, (method, rule.rule, response.status_code)
            if method == "HEAD":
                assert response.headers["WWW-Authenticate"] == 'Bearer realm="tenant-config"'
            else:
                assert_bare_challenge(response)
            checked += 1
    assert checked >= 10
