"""Signing algorithms: asymmetric ones only, chosen by TENANT_CONFIG_JWT_ALGORITHMS."""

from __future__ import annotations

import json

import pytest
from cryptography.fernet import Fernet
from joserfc.jwk import ECKey

from tenant_config.platform.settings import ConfigurationError, Settings
from tests.support.problems import assert_invalid_token, bearer
from tests.support.tokens import SigningKey, TokenFactory, generate_key

BASE_ENV = {
    "TENANT_CONFIG_JWKS_FILE": "/nonexistent/jwks.json",
    "TENANT_CONFIG_JWT_ISSUER": "https://idp.test",
    "TENANT_CONFIG_JWT_AUDIENCE": "tenant-config",
    "TENANT_CONFIG_FERNET_KEYS": Fernet.generate_key().decode(),
}


@pytest.mark.parametrize("algorithms", ["none", "HS256", "RS256,HS512", "RS256, none"])
def test_symmetric_and_none_are_refused_at_start(algorithms):
    with pytest.raises(ConfigurationError, match="TENANT_CONFIG_JWT_ALGORITHMS"):
        Settings.from_env(BASE_ENV | {"TENANT_CONFIG_JWT_ALGORITHMS": algorithms})


@pytest.fixture(scope="module")
def keys() -> dict[str, SigningKey]:
    return {"rsa": generate_key("rsa-1"), "ec": SigningKey("ec-1", ECKey.generate_key("P-256"))}


@pytest.fixture
def keys_app(make_app, keys, tmp_path):
    """An app that trusts an RSA and an EC key, with the algorithms it is given."""
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [key.public_jwk for key in keys.values()]}))

    def build(**settings):
        return make_app(jwks_file=jwks, **settings).test_client()

    return build


@pytest.mark.parametrize(("kind", "alg"), [("rsa", "PS256"), ("ec", "ES256"), ("rsa", "RS256")])
def test_default_algorithms_accept_ps256_es256_and_rs256(keys_app, keys, tenant, kind, alg):
    token = TokenFactory(keys[kind])(tenants=[tenant], header={"alg": alg})
    assert keys_app().get("/tenantintegrations", headers=bearer(token)).status_code == 200


def test_an_algorithm_left_out_of_the_setting_is_refused(keys_app, keys, tenant):
    client = keys_app(jwt_algorithms=("RS256",))
    factory = TokenFactory(keys["rsa"])
    assert (
        client.get("/tenantintegrations", headers=bearer(factory(tenants=[tenant]))).status_code
        == 200
    )
    refused = client.get(
        "/tenantintegrations", headers=bearer(factory(tenants=[tenant], header={"alg": "PS256"}))
    )
    assert_invalid_token(refused)
