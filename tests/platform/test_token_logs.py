"""A refused token is logged at WARNING with the reason, never with the token or a claim's value."""

from __future__ import annotations

import json
import logging
import time

import pytest
from flask import Flask

from tenant_config.app import create_app
from tests.support.forge import b64, claims, sign_hs256, sign_rs256
from tests.support.problems import LIST_URL, assert_invalid_token, bearer
from tests.support.settings import make_settings
from tests.support.tokens import TokenFactory, generate_key

CANARY = "CANARY-CLAIM-VALUE-7f3a"
AUTH_LOGGER = "tenant_config.platform.auth"


@pytest.fixture
def logged_client(database_url, jwks_file, tmp_path, app):
    """A test client of an app that logs to standard output (root level put back afterwards)."""
    level = logging.getLogger().level
    built: Flask = create_app(make_settings(tmp_path, database_url, jwks_file))
    yield built.test_client()
    logging.getLogger().setLevel(level)


def _header(signing_key, **extra) -> dict:
    return {"alg": "RS256", "kid": signing_key.kid, "typ": "JWT"} | extra


def _cases(signing_key) -> dict[str, tuple[str, str]]:
    """reason → (token, the text the log line must give as the reason)."""
    make = TokenFactory(signing_key)
    now = int(time.time())
    stranger = generate_key("not-in-the-jwks")
    forger = generate_key(signing_key.kid)  # our kid, another key
    public_pem = signing_key.key.as_pem(private=False)
    return {
        "wrong issuer": (make(iss=f"https://{CANARY}.example"), "wrong issuer (iss)"),
        "missing issuer": (make(iss=None, email=CANARY), "missing issuer (iss)"),
        "wrong audience": (make(aud=CANARY), "wrong audience (aud)"),
        "expired": (make(exp=now - 3600, iat=now - 7200, email=CANARY), "expired"),
        "not yet valid": (make(nbf=now + 3600, email=CANARY), "not valid yet (nbf in the future)"),
        "issued in the future": (make(iat=now + 3600, email=CANARY), "(iat in the future)"),
        "unknown key": (TokenFactory(stranger)(email=CANARY), "unknown signing key"),
        "bad signature": (TokenFactory(forger)(email=CANARY), "bad signature"),
        "algorithm": (
            sign_hs256(public_pem, {"alg": "HS256", "kid": signing_key.kid}, claims(sub=CANARY)),
            "algorithm not allowed",
        ),
        "alg none": (
            f"{b64(json.dumps({'alg': 'none'}).encode())}.{b64(json.dumps(claims()).encode())}.",
            "algorithm not allowed",
        ),
        "malformed token": (f"{b64(b'{not json')}.{b64(CANARY.encode())}.c2ln", "malformed token"),
        "malformed claim": (make(tenants=[f"{CANARY}\x00"]), "malformed claim 'tenants'"),
        "claim of the wrong type": (make(email=["a", CANARY]), "malformed claim 'email'"),
        "crit header": (
            sign_rs256(signing_key, _header(signing_key, crit=["exp"]), claims(sub=CANARY)),
            "crit header",
        ),
        "typ header": (
            sign_rs256(signing_key, _header(signing_key, typ="JWE"), claims(sub=CANARY)),
            "typ",
        ),
        "too large": (make(email=CANARY, padding="x" * 17000), "larger than 16384 characters"),
    }


CASES = list(_cases(generate_key("names-only")))


@pytest.mark.parametrize("case", CASES)
def test_a_refused_token_is_logged_with_its_reason_and_nothing_of_it(
    logged_client, capsys, signing_key, case
):
    token, reason = _cases(signing_key)[case]
    capsys.readouterr()
    response = logged_client.get(LIST_URL, headers=bearer(token) | {"X-Request-ID": "trace-r1"})
    assert_invalid_token(response)
    output = capsys.readouterr().out
    lines = [json.loads(line) for line in output.splitlines() if line.strip()]
    (refusal,) = [line for line in lines if line["logger"] == AUTH_LOGGER]
    assert refusal["level"] == "WARNING"
    assert refusal["message"].startswith("access token refused: ")
    assert reason in refusal["reason"], refusal
    assert refusal["traceId"] == "trace-r1"
    assert token not in output
    for part in token.split("."):
        assert len(part) < 8 or part not in output
    assert CANARY not in output
    assert CANARY.lower() not in output.lower()


def test_accepted_tokens_and_missing_ones_log_no_warning(logged_client, capsys, make_token):
    capsys.readouterr()
    assert logged_client.get(LIST_URL, headers=bearer(make_token())).status_code == 200
    assert logged_client.get(LIST_URL).status_code == 401
    lines = [json.loads(x) for x in capsys.readouterr().out.splitlines() if x.strip()]
    assert [line for line in lines if line["level"] == "WARNING"] == []
