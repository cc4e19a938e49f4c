"""Who is signed in to the admin UI: the access token in the session, checked as the API checks it.

The session (a signed cookie scoped to /ui) holds the access token the login received, and the
refresh token if the provider issued one. Every page verifies the access token with the API's
own validator and requires the scope of the API route it stands for, so the UI can do exactly
what the token lets its holder do through the API. A token about to expire is renewed with the
refresh token through the hook the OIDC login registers (REFRESHER), and checked like a login.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from typing import NoReturn

from authlib.oauth2.rfc6750 import InvalidTokenError
from flask import current_app, flash, g, request, session
from werkzeug.http import dump_cookie

from tenant_config.platform.auth import AFTER_AUTHENTICATION, VALIDATOR
from tenant_config.platform.errors import InvalidToken
from tenant_config.platform.tenancy import Principal

SESSION_KEY = "access_token"
REFRESH_KEY = "refresh_token"
SIGNED_IN_AT = "signed_in_at"
# app.extensions key of a callable: refresh token -> (access token, new refresh token or None).
REFRESHER = "tenant_config.ui.access.refresher"
# Renewed this early, so that no page meets a token that lapses while it is being served.
REFRESH_MARGIN_SECONDS = 30
# What joins the session after a login (the CSRF token, a flashed message) must fit as well.
COOKIE_HEADROOM = 256
FORM_LOST = (
    "Your session expired before the form was sent, so nothing was saved. Sign in again; "
    "you will return to the form's page, where you can send it again."
)
log = logging.getLogger(__name__)


class LoginRequired(Exception):
    """No valid access token in the session: the user must sign in (again)."""


class CookieTooLarge(LoginRequired):
    """The session would make a cookie larger than browsers keep."""

    def __init__(self, size: int, limit: int):
        super().__init__(f"session cookie of {size} bytes, over {limit}")
        self.size = size
        self.limit = limit


class RefreshFailed(Exception):
    """The provider did not renew the access token; `message` is for the user, or None."""

    def __init__(self, message: str | None = None):
        super().__init__(message or "refused")
        self.message = message


Refresher = Callable[[str], tuple[str, str | None]]


def sign_in(access_token: str, refresh_token: str | None = None) -> Principal:
    """Keep `access_token` (and `refresh_token`) in a fresh session if the API accepts it."""
    principal = _verify(access_token)
    session.clear()  # a new session on login: nothing of an earlier one is carried over
    session[SESSION_KEY] = access_token
    if refresh_token:
        session[REFRESH_KEY] = refresh_token
    session[SIGNED_IN_AT] = int(time.time())
    session.permanent = True
    try:
        _check_cookie_size()
    except CookieTooLarge:
        session.clear()
        raise
    return principal


def sign_out() -> None:
    """Forget the session's tokens."""
    session.clear()


def signed_in(scope: str) -> Principal:
    """Return the signed-in user if its token is valid and holds `scope` (as the API requires)."""
    token = session.get(SESSION_KEY)
    if not isinstance(token, str):
        _end_session(None)
    principal = _verified(token)
    if principal is None or principal.expires_at - time.time() < REFRESH_MARGIN_SECONDS:
        message = None
        try:
            principal = _refreshed() or principal
        except CookieTooLarge as error:
            _end_session(too_large_message(error))
        except RefreshFailed as failure:
            message = failure.message
            log.warning("UI session not renewed: %s", failure)
        if principal is None:
            _end_session(message)
    g.principal = principal
    g.identity = principal.identity
    for check in current_app.extensions.get(AFTER_AUTHENTICATION, ()):
        check()  # the API's checks after authentication (the rate limit) hold here too
    current_app.extensions[VALIDATOR].validate_token(principal, [scope], None)
    return principal


def current_user() -> Principal | None:
    """Return the signed-in user without requiring a scope, or None."""
    if "principal" in g:
        return g.principal  # the page's own check found it (and may have renewed its token)
    token = session.get(SESSION_KEY)
    return _verified(token) if isinstance(token, str) else None


def _refreshed() -> Principal | None:
    """Renew the session's access token with its refresh token, checked as a login checks it."""
    refresh_token = session.get(REFRESH_KEY)
    refresher: Refresher | None = current_app.extensions.get(REFRESHER)
    signed_in_at = session.get(SIGNED_IN_AT)
    if (
        not isinstance(refresh_token, str)
        or refresher is None
        or not isinstance(signed_in_at, int)
        # Renewed up to the session's lifetime after the login, however long the provider allows.
        or time.time() - signed_in_at > current_app.permanent_session_lifetime.total_seconds()
    ):
        return None
    access_token, rotated = refresher(refresh_token)
    principal = _verified(access_token)
    if principal is None:
        raise RefreshFailed(
            "The identity provider renewed your session with an access token this service's "
            "API does not accept. Sign in again; if it persists, tell the operator."
        )
    session[SESSION_KEY] = access_token
    session[REFRESH_KEY] = rotated or refresh_token
    _check_cookie_size()
    return principal


def _end_session(message: str | None) -> NoReturn:
    """Forget the tokens and say why the user has to sign in again; raise LoginRequired."""
    if not current_app.secret_key:
        raise LoginRequired  # no session to forget or to carry a message
    for key in (SESSION_KEY, REFRESH_KEY, SIGNED_IN_AT):
        session.pop(key, None)
    if message:
        flash(message, "error")
    if request.method not in ("GET", "HEAD", "OPTIONS"):
        flash(FORM_LOST, "error")
    raise LoginRequired


def too_large_message(error: CookieTooLarge) -> str:
    """Say that the provider's tokens do not fit in a browser's cookie, and what to ask for."""
    return (
        f"The identity provider's tokens are too large for this UI's session cookie "
        f"({error.size} bytes; browsers keep at most {error.limit}), so the browser would "
        "forget your login. Ask the provider's administrator for a smaller access token for "
        "this client (fewer claims, such as groups or roles), then sign in again."
    )


def _check_cookie_size() -> None:
    """Raise CookieTooLarge if the session's cookie is one a browser would drop unseen."""
    app = current_app
    interface = app.session_interface
    cookie = dump_cookie(
        interface.get_cookie_name(app),
        interface.get_signing_serializer(app).dumps(dict(session)),
        expires=interface.get_expiration_time(app, session),
        path=interface.get_cookie_path(app),
        domain=interface.get_cookie_domain(app),
        secure=interface.get_cookie_secure(app),
        httponly=interface.get_cookie_httponly(app),
        samesite=interface.get_cookie_samesite(app),
        max_size=0,
    )
    size = len(cookie.encode()) + COOKIE_HEADROOM
    limit = app.config["MAX_COOKIE_SIZE"]
    if size > limit:
        raise CookieTooLarge(size, limit)


def _verified(token: str) -> Principal | None:
    try:
        return _verify(token)
    except LoginRequired:
        return None


def _verify(token: str) -> Principal:
    try:
        return current_app.extensions[VALIDATOR].authenticate_token(token)
    except (InvalidTokenError, InvalidToken):
        raise LoginRequired from None
