"""Who is signed in to the admin UI: the access token in the session, checked as the API checks it.

The session (a signed cookie scoped to /ui) holds the access token the login received. Every
page verifies it with the API's own validator and requires the scope of the API route it
stands for, so the UI can do exactly what the token lets its holder do through the API.
"""

from __future__ import annotations

from authlib.oauth2.rfc6750 import InvalidTokenError
from flask import current_app, g, session

from tenant_config.platform.auth import AFTER_AUTHENTICATION, VALIDATOR
from tenant_config.platform.errors import InvalidToken
from tenant_config.platform.tenancy import Principal

SESSION_KEY = "access_token"


class LoginRequired(Exception):
    """No valid access token in the session: the user must sign in (again)."""


def sign_in(access_token: str) -> Principal:
    """Keep `access_token` in a fresh session if the API accepts it; return its holder."""
    principal = _verify(access_token)
    session.clear()  # a new session on login: nothing of an earlier one is carried over
    session[SESSION_KEY] = access_token
    session.permanent = True
    return principal


def sign_out() -> None:
    """Forget the session's token."""
    session.clear()


def signed_in(scope: str) -> Principal:
    """Return the signed-in user if its token is valid and holds `scope` (as the API requires)."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        raise LoginRequired
    try:
        principal = _verify(token)
    except LoginRequired:
        session.pop(SESSION_KEY, None)
        raise
    g.principal = principal
    g.identity = principal.identity
    for check in current_app.extensions.get(AFTER_AUTHENTICATION, ()):
        check()  # the API's checks after authentication (the rate limit) hold here too
    current_app.extensions[VALIDATOR].validate_token(principal, [scope], None)
    return principal


def current_user() -> Principal | None:
    """Return the signed-in user without requiring a scope, or None."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        return None
    try:
        return _verify(token)
    except LoginRequired:
        return None


def _verify(token: str) -> Principal:
    try:
        return current_app.extensions[VALIDATOR].authenticate_token(token)
    except (InvalidTokenError, InvalidToken):
        raise LoginRequired from None
