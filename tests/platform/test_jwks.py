"""Signing keys from the identity provider's JWKS URL: cached, refreshed with care, never trusted
from the token itself."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from werkzeug.test import TestResponse

from tenant_config.platform import jwks
from tests.support.forge import FakeIdP, b64, claims, sign_hs256, sign_rs256
from tests.support.problems import LIST_URL, assert_invalid_token, assert_problem
from tests.support.tokens import TokenFactory, generate_key


@pytest.fixture
def url_app(make_app, idp):
    """An app that loads its keys from the fake IdP; settings overridable per test."""
    return lambda **overrides: make_app(jwks_file="", jwks_url=idp.url, **overrides)


@pytest.fixture
def clock(monkeypatch):
    """The key cache's clock, moved by hand: `clock.advance(seconds)`."""

    class Clock:
        now = 1000.0

        def advance(self, seconds: float) -> None:
            self.now += seconds

    fake = Clock()
    monkeypatch.setattr(jwks, "_now", lambda: fake.now)
    return fake


def call(app, key, **claim_overrides) -> TestResponse:
    """GET the integration list with a token signed by `key`; return the response."""
    token = TokenFactory(key)(**claim_overrides)
    return app.test_client().get(LIST_URL, headers={"Authorization": f"Bearer {token}"})


def test_keys_are_fetched_once_and_cached(url_app, idp, k1):
    app = url_app()
    for _ in range(5):
        assert call(app, k1).status_code == 200
    assert idp.requests == 1


def test_rotation_to_a_new_kid_needs_one_refetch(url_app, idp, k1, k2):
    app = url_app(jwks_refresh_cooldown_seconds=0)
    assert call(app, k1).status_code == 200
    idp.keys = [k1, k2]
    assert call(app, k2).status_code == 200
    assert idp.requests == 2
    assert call(app, k1).status_code == 200
    assert call(app, k2).status_code == 200
    assert idp.requests == 2


def test_a_removed_key_is_refused_once_the_cache_expires(url_app, idp, k1, k2):
    app = url_app(jwks_cache_seconds=0, jwks_refresh_cooldown_seconds=0)
    assert call(app, k1).status_code == 200
    idp.keys = [k2]
    assert_invalid_token(call(app, k1))
    assert call(app, k2).status_code == 200


def test_unknown_kids_refetch_at_most_once_per_cooldown(url_app, idp, k1, clock):
    app = url_app(jwks_refresh_cooldown_seconds=10)
    assert call(app, k1).status_code == 200
    strangers = [generate_key(f"stranger-{i}") for i in range(3)]
    for i in range(15):
        clock.advance(0.5)
        assert_invalid_token(call(app, strangers[i % 3]))
    assert idp.requests == 1
    clock.advance(3)
    for i in range(15):
        assert_invalid_token(call(app, strangers[i % 3]))
    assert idp.requests == 2
    assert call(app, k1).status_code == 200
    assert idp.requests == 2


@pytest.mark.parametrize("mode", ["ok", "hang"])
def test_a_concurrent_burst_of_unknown_kids_refetches_once(
    url_app, idp, k1, monkeypatch, clock, mode
):
    monkeypatch.setattr(jwks, "FETCH_TIMEOUT_SECONDS", 0.5)
    app = url_app(jwks_refresh_cooldown_seconds=10)
    assert call(app, k1).status_code == 200
    clock.advance(11)
    idp.mode = mode
    strangers = [TokenFactory(generate_key(f"burst-{i}"))() for i in range(4)]

    def get(i: int) -> TestResponse:
        return app.test_client().get(
            LIST_URL, headers={"Authorization": f"Bearer {strangers[i % 4]}"}
        )

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=16) as pool:
        answers = list(pool.map(get, range(32)))
    assert {a.status_code for a in answers} == {401}
    # One refresh, bounded by the 0.5 s fetch timeout; the rest is slack for a busy host.
    assert time.monotonic() - started < 0.5 + 2.0
    assert idp.requests == 2


def test_symmetric_and_private_keys_in_the_jwks_are_ignored(url_app, idp, k1):
    secret = b"shared-secret-published-by-mistake"
    idp.extra = [
        {"kty": "oct", "k": b64(secret), "kid": "hmac", "alg": "HS256"},
        k1.key.as_dict(private=True) | {"kid": "leaked"},
    ]
    app = url_app()
    header = {"alg": "HS256", "kid": "hmac", "typ": "JWT"}
    token = sign_hs256(secret, header, claims())
    response = app.test_client().get(LIST_URL, headers={"Authorization": f"Bearer {token}"})
    assert_invalid_token(response)
    leaked = sign_rs256(k1, {"alg": "RS256", "kid": "leaked"}, claims())
    response = app.test_client().get(LIST_URL, headers={"Authorization": f"Bearer {leaked}"})
    assert_invalid_token(response)
    assert call(app, k1).status_code == 200


def test_keys_the_service_cannot_use_do_not_spoil_the_others(url_app, idp, k1, k2):
    encryption = generate_key(k1.kid).public_jwk | {"use": "enc"}
    idp.keys = []
    idp.extra = [
        encryption,
        {"kty": "EC", "crv": "secp256k1", "x": "AAAA", "y": "AAAA", "kid": "odd-curve"},
        {"kty": "RSA", "kid": "broken", "n": "not base64!", "e": "AQAB"},
        {"kty": "RSA", "kid": "no-modulus"},
        "not a key",
        k1.public_jwk,
        k2.public_jwk,
    ]
    app = url_app()
    assert call(app, k1).status_code == 200
    assert call(app, k2).status_code == 200
    assert idp.requests == 1


@pytest.mark.parametrize("mode", ["500", "invalid-json", "redirect", "hang", "drip", "huge"])
def test_a_failed_refresh_keeps_the_cached_keys(url_app, idp, k1, monkeypatch, mode):
    monkeypatch.setattr(jwks, "FETCH_TIMEOUT_SECONDS", 0.5)
    app = url_app(jwks_cache_seconds=0, jwks_refresh_cooldown_seconds=0)
    assert call(app, k1).status_code == 200
    idp.mode = mode
    stranger = generate_key("stranger")  # key generation is not what is timed
    started = time.monotonic()
    assert call(app, k1).status_code == 200
    assert_invalid_token(call(app, stranger))
    # Two refreshes, each bounded by the 0.5 s fetch timeout; the rest is slack for a busy host.
    assert time.monotonic() - started < 2 * 0.5 + 1.5
    assert idp.requests == 3
    assert set(idp.paths) == {"/jwks"}
    idp.mode = "ok"
    assert call(app, k1).status_code == 200


@pytest.mark.parametrize("mode", ["500", "invalid-json", "hang"])
def test_keys_never_loaded_is_503_not_500(url_app, idp, k1, monkeypatch, mode):
    monkeypatch.setattr(jwks, "FETCH_TIMEOUT_SECONDS", 0.5)
    idp.mode = mode
    app = url_app(jwks_refresh_cooldown_seconds=0)
    response = call(app, k1)
    assert_problem(response, 503)
    assert "Retry-After" in response.headers
    assert "WWW-Authenticate" not in response.headers
    idp.mode = "ok"
    assert call(app, k1).status_code == 200


def test_unreachable_jwks_url_is_503(make_app, k1):
    server = FakeIdP([k1])
    url = server.url
    server.close()
    app = make_app(jwks_file="", jwks_url=url)
    assert_problem(call(app, k1), 503)


def test_jwks_without_usable_keys_is_not_loaded(url_app, idp, k1):
    idp.keys = []
    assert_problem(call(url_app(), k1), 503)


@pytest.mark.parametrize("where", ["jku", "x5u", "x5c", "jwk", "jwk-with-our-kid"])
def test_keys_named_by_the_token_itself_are_never_used(client, idp, where):
    attacker = generate_key("attacker")
    header = {"alg": "RS256", "typ": "JWT", "kid": attacker.kid}
    if where in {"jku", "x5u"}:
        header[where] = idp.url
    elif where == "x5c":
        header["x5c"] = [b64(b"not a certificate of ours")]
    else:
        header["jwk"] = attacker.public_jwk
        header["kid"] = "test-key-1" if where == "jwk-with-our-kid" else attacker.kid
    token = sign_rs256(attacker, header, claims())
    assert_invalid_token(client.get(LIST_URL, headers={"Authorization": f"Bearer {token}"}))
    assert idp.requests == 0
