"""Verified tokens are remembered by digest, and refused again exactly when verifying would."""

from __future__ import annotations

import json
import time

import pytest

from tenant_config.platform import auth
from tenant_config.platform.auth import VerifiedTokens
from tenant_config.platform.tenancy import Principal
from tests.support.problems import assert_invalid_token
from tests.support.tokens import TokenFactory, generate_key

LIST_URL = "/tenantintegrations"


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def decodes(monkeypatch) -> list[str]:
    """The tokens whose signature the service checks, in order."""
    seen: list[str] = []
    decode = auth.jwt.decode

    def counting(token, *args, **kwargs):
        seen.append(token)
        return decode(token, *args, **kwargs)

    monkeypatch.setattr(auth.jwt, "decode", counting)
    return seen


def test_a_token_is_verified_once_then_answered_from_the_cache(client, token, decodes):
    for _ in range(3):
        assert client.get(LIST_URL, headers=bearer(token)).status_code == 200
    assert decodes == [token]


def test_a_forged_twin_of_a_cached_token_is_still_refused(client, token, decodes):
    assert client.get(LIST_URL, headers=bearer(token)).status_code == 200
    head, payload, signature = token.split(".")
    forged = f"{head}.{payload}.{signature[:-4]}{'AAAA' if signature[-4:] != 'AAAA' else 'BBBB'}"
    assert_invalid_token(client.get(LIST_URL, headers=bearer(forged)))
    assert decodes == [token, forged]


def test_a_cached_token_expires_with_its_exp(make_app, make_token):
    app = make_app(jwt_leeway_seconds=0)
    token = make_token(exp=int(time.time()) + 2)
    client = app.test_client()
    assert client.get(LIST_URL, headers=bearer(token)).status_code == 200
    time.sleep(3)
    assert_invalid_token(client.get(LIST_URL, headers=bearer(token)))


def test_a_key_dropped_from_the_jwks_stops_its_cached_tokens(make_app, signing_key, tmp_path):
    jwks = tmp_path / "jwks.json"
    jwks.write_text(json.dumps({"keys": [signing_key.public_jwk]}))
    app = make_app(jwks_file=str(jwks), jwks_cache_seconds=1, jwks_refresh_cooldown_seconds=0)
    token = TokenFactory(signing_key)()
    client = app.test_client()
    assert client.get(LIST_URL, headers=bearer(token)).status_code == 200
    jwks.write_text(json.dumps({"keys": [generate_key("successor").public_jwk]}))
    assert client.get(LIST_URL, headers=bearer(token)).status_code == 200  # keys still fresh
    time.sleep(1.5)
    assert_invalid_token(client.get(LIST_URL, headers=bearer(token)))


def test_the_cache_never_holds_more_than_its_size():
    cache = VerifiedTokens(size=2)
    principal = Principal("who", frozenset(), frozenset(), frozenset(), frozenset(), 2**40)
    keyset = object()
    for number in range(5):
        cache.put(VerifiedTokens.digest(f"token-{number}"), principal, keyset)
        assert len(cache._entries) <= 2
    assert cache.get(VerifiedTokens.digest("token-4"), keyset, until=0) is principal
    assert cache.get(VerifiedTokens.digest("token-4"), object(), until=0) is None
    assert cache.get(VerifiedTokens.digest("token-4"), keyset, until=2**41) is None
