"""Assertions on the answers of the bearer-token checks."""

from __future__ import annotations

from werkzeug.test import TestResponse

INVALID_TOKEN_CHALLENGE = 'Bearer realm="tenant-config", error="invalid_token"'
BARE_CHALLENGE = 'Bearer realm="tenant-config"'
LIST_URL = "/tenantintegrations"


def bearer(token: str) -> dict[str, str]:
    """The Authorization header for `token`."""
    return {"Authorization": f"Bearer {token}"}


def assert_problem(response: TestResponse, status: int) -> dict:
    """The answer is a problem document with this status; return its body."""
    assert response.status_code == status, response.get_data(as_text=True)
    assert response.mimetype == "application/problem+json"
    body = response.get_json()
    assert body["status"] == status
    assert {"type", "title", "detail", "instance", "traceId"} <= body.keys()
    return body


def assert_invalid_token(response: TestResponse) -> dict:
    """401 with RFC 6750's invalid_token challenge, as a problem document."""
    body = assert_problem(response, 401)
    assert response.headers.getlist("WWW-Authenticate") == [INVALID_TOKEN_CHALLENGE]
    return body


def assert_bare_challenge(response: TestResponse) -> dict:
    """401 with the challenge for a request that carries no usable token (no error code)."""
    body = assert_problem(response, 401)
    assert response.headers.getlist("WWW-Authenticate") == [BARE_CHALLENGE]
    return body
