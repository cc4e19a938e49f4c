"""Signing in to the admin UI through an OpenID Connect provider (code flow with PKCE).

The provider's access token is what the session keeps: `sign_in` verifies it with the API's
own validator, so the UI grants exactly what the API would grant the same token. The refresh
token, if the provider issues one, renews it through the REFRESHER hook (access.py).
"""

from __future__ import annotations

import logging
import re

import requests
from authlib.integrations.base_client import MismatchingStateError, OAuthError
from authlib.integrations.flask_client import OAuth
from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from joserfc.errors import JoseError

from tenant_config.platform.settings import Settings
from tenant_config.ui import login
from tenant_config.ui.access import (
    REFRESHER,
    CookieTooLarge,
    LoginRequired,
    RefreshFailed,
    sign_in,
    too_large_message,
)
from tenant_config.ui.pages import is_htmx

bp = Blueprint("oidc", __name__)
log = logging.getLogger(__name__)
CLIENT = "tenant_config.ui.oidc.client"
NEXT_KEY = "oidc_next"
# Connect and read timeouts of every call to the provider: a login never hangs a worker.
PROVIDER_TIMEOUT = (3.05, 10)
# The provider cannot be reached, or answers with something that is no usable OIDC metadata.
UNREACHABLE = (requests.RequestException, ValueError, RuntimeError)
# Only an error code of this shape is shown: the callback's query is anyone's to forge.
_ERROR_CODE = re.compile(r"[a-z_]{1,64}")
UNREACHABLE_MESSAGE = (
    "The identity provider cannot be reached (or its discovery document is not usable), so "
    "you cannot sign in right now. Try again later; if it persists, tell the operator "
    "(TENANT_CONFIG_OIDC_ISSUER)."
)
RENEWAL_UNREACHABLE_MESSAGE = (
    "Your session needed renewing, but the identity provider cannot be reached. Sign in again "
    "later; if it persists, tell the operator (TENANT_CONFIG_OIDC_ISSUER)."
)


def init_oidc(app: Flask, settings: Settings) -> None:
    """Register the provider's client if the login is configured; discovery waits for a login."""
    if not settings.oidc_login:
        return
    oauth = OAuth(app)
    app.extensions[CLIENT] = oauth.register(
        "oidc",
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret or None,  # none: a public client (PKCE only)
        server_metadata_url=f"{settings.oidc_issuer}/.well-known/openid-configuration",
        client_kwargs={
            "scope": settings.oidc_scopes,
            "code_challenge_method": "S256",
            "default_timeout": PROVIDER_TIMEOUT,
        },
    )
    app.extensions[REFRESHER] = refresh


def refresh(refresh_token: str) -> tuple[str, str | None]:
    """Renew the access token at the provider's token endpoint; return it and a rotated one."""
    client = _client()
    if client is None:
        raise RefreshFailed
    try:
        token = client.fetch_access_token(grant_type="refresh_token", refresh_token=refresh_token)
    except OAuthError as error:
        code = _error_code(error)
        log.info("OIDC refresh refused: %s", code)
        if code == "invalid_grant":
            raise RefreshFailed from None  # the provider ended the session: a login as any other
        raise RefreshFailed(
            f"The identity provider refused to renew your session ({code}). Sign in again."
        ) from None
    except UNREACHABLE as error:
        log.warning("OIDC refresh failed: %s", type(error).__name__)
        raise RefreshFailed(RENEWAL_UNREACHABLE_MESSAGE) from None
    access_token, rotated = token.get("access_token"), token.get("refresh_token")
    if not isinstance(access_token, str):
        raise RefreshFailed
    return access_token, rotated if isinstance(rotated, str) else None


def _client():
    """The provider's client, or None when this app has no OIDC login (or no session secret)."""
    return current_app.extensions.get(CLIENT) if current_app.secret_key else None


def _redirect_uri() -> str:
    settings = current_app.config["TENANT_CONFIG"]
    return settings.oidc_redirect_uri or url_for("ui.oidc.callback", _external=True)


@bp.route("/login/oidc")
def start() -> Response | tuple[str, int]:
    """Send the browser to the provider's authorization endpoint (PKCE S256, state, nonce)."""
    client = _client()
    if client is None:
        return redirect(url_for("ui.login.index"))
    session[NEXT_KEY] = login.safe_next(request.args.get("next"))
    try:
        answer = client.authorize_redirect(_redirect_uri())
    except UNREACHABLE as error:
        log.warning("OIDC discovery failed: %s", type(error).__name__)
        flash(UNREACHABLE_MESSAGE, "error")
        return login.index(), 502
    if is_htmx():
        # A boosted link would follow the redirect in the background: the browser must go.
        return Response(status=204, headers={"HX-Redirect": answer.location})
    return answer


@bp.route("/login/callback")
def callback() -> Response:
    """Exchange the provider's code for tokens and keep them in a new session."""
    client = _client()
    if client is None:
        return redirect(url_for("ui.login.index"))
    target = login.safe_next(session.pop(NEXT_KEY, None))
    try:
        token = client.authorize_access_token()
        access_token = token.get("access_token")
        refresh_token = token.get("refresh_token")
        if not isinstance(access_token, str):
            raise LoginRequired
        sign_in(access_token, refresh_token if isinstance(refresh_token, str) else None)
    except (OAuthError, JoseError, LoginRequired, *UNREACHABLE) as error:
        log.warning("OIDC login refused: %s", type(error).__name__)
        flash(_refusal(error), "error")
        # `failed` keeps the login page from starting another login by itself: no loop.
        return redirect(url_for("ui.login.index", next=target, failed=1))
    flash("Signed in.", "success")
    return redirect(target)


def _refusal(error: Exception) -> str:
    """Say why the login failed, in words for the person who tried."""
    if isinstance(error, MismatchingStateError):
        return (
            "The sign-in could not be matched to this browser (it was started elsewhere, "
            "already used, or expired). Sign in again."
        )
    if isinstance(error, OAuthError) and "error" in request.args:
        code = _error_code(error)
        if code == "access_denied":
            return (
                "The identity provider did not sign you in (access_denied): the request was "
                "declined, or you may not use this application."
            )
        return f"The identity provider did not sign you in ({code})."
    if isinstance(error, OAuthError):
        return (
            f"The identity provider refused to issue a token ({_error_code(error)}). Sign in again."
        )
    if isinstance(error, CookieTooLarge):
        return too_large_message(error)
    if isinstance(error, JoseError):
        return "The identity provider's ID token failed verification. Sign in again."
    if isinstance(error, LoginRequired):
        return (
            "The identity provider's access token is not one this service's API accepts "
            "(issuer, audience, signing key or expiry). Ask the operator to check "
            "TENANT_CONFIG_JWT_ISSUER, TENANT_CONFIG_JWT_AUDIENCE and the JWKS settings."
        )
    return UNREACHABLE_MESSAGE


def _error_code(error: OAuthError) -> str:
    """The provider's error code if it has the shape of one (the query is anyone's to forge)."""
    return error.error if _ERROR_CODE.fullmatch(error.error or "") else "error"
