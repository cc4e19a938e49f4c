"""Signing in and out of the admin UI: the login page, the development login, logout."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    request,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException, MethodNotAllowed

from tenant_config.operations.cli import EXAMPLE_TENANT
from tenant_config.operations.devkeys import issue_dev_token
from tenant_config.platform.scopes import (
    ADMIN,
    CONFIG_READ,
    CONFIG_READ_SENSITIVE,
    CONFIG_WRITE,
    INTEGRATION_READ,
    INTEGRATION_WRITE,
    VERSION_READ,
)
from tenant_config.ui.access import LoginRequired, sign_in, sign_out
from tenant_config.ui.pages import page

bp = Blueprint("login", __name__)
# What the development login offers, and what it ticks unless the user changes it.
DEV_SCOPES = (
    (INTEGRATION_READ, True),
    (INTEGRATION_WRITE, True),
    (CONFIG_READ, True),
    (CONFIG_WRITE, True),
    (VERSION_READ, True),
    (CONFIG_READ_SENSITIVE, False),
    (ADMIN, False),
)
DEV_TOKEN_SECONDS = 8 * 3600


def _settings():
    return current_app.config["TENANT_CONFIG"]


def safe_next(target: str | None) -> str:
    """Return `target` if it is a path of this UI, else the UI's home (no open redirect)."""
    home = url_for("ui.home")
    if not target:
        return home
    # urlsplit drops tabs and line breaks that the Location header cannot carry: refuse them.
    if any(character.isspace() or not character.isprintable() for character in target):
        return home
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/ui/") or "\\" in target:
        return home
    return target


@bp.route("/login")
def index() -> str | Response:
    """Show the ways to sign in, or go straight to the provider when it is the only one."""
    settings = _settings()
    target = _return_target()
    if (
        current_app.secret_key
        and settings.oidc_login
        and not settings.dev_login
        and "next" in request.args  # a page sent the user here, not a link to this page
        and "failed" not in request.args
        and not session.get("_flashes")  # something to say: an error, a form not sent
    ):
        return redirect(url_for("ui.oidc.start", next=target))
    return page(
        "login.html",
        sessions=bool(current_app.secret_key),
        oidc=settings.oidc_login,
        dev=settings.dev_login,
        dev_scopes=DEV_SCOPES,
        example_tenant=EXAMPLE_TENANT,
        next=target,
    )


@bp.route("/login/dev", methods=["POST"])
def dev() -> Response:
    """Sign in with a token the development key signs for the tenants and scopes chosen."""
    settings = _settings()
    if not settings.dev_login or not current_app.secret_key:
        abort(404)
    form = request.form
    offered = {scope for scope, _ in DEV_SCOPES}
    token = issue_dev_token(
        settings,
        subject=form.get("subject", "").strip()[:200] or "developer@example.com",
        scopes=[s for s in form.getlist("scope") if s in offered],
        tenants=_items(form.get("tenants", "")),
        clients=_items(form.get("clients", "")),
        partner_tenants=_items(form.get("partner_tenants", "")),
        ttl_seconds=DEV_TOKEN_SECONDS,
    )
    try:
        sign_in(token)
    except LoginRequired:
        flash(
            "The development token was refused: tenant and client ids must be UUIDs, and no "
            "field may hold control characters.",
            "error",
        )
        return redirect(url_for("ui.login.index", next=safe_next(form.get("next"))), code=303)
    flash("Signed in with a development token.", "success")
    return redirect(safe_next(form.get("next")), code=303)


@bp.route("/logout", methods=["POST"])
def logout() -> Response:
    """Sign out: forget the session's token."""
    if not current_app.secret_key:
        return redirect(url_for("ui.login.index"), code=303)
    sign_out()
    flash("Signed out.", "success")
    return redirect(url_for("ui.login.index"), code=303)


def _return_target() -> str:
    """Where the login leads: `next`, or for a form's address the page the form was on."""
    target = safe_next(request.args.get("next"))
    if _answers_get(target):
        return target
    # A form posted after its session ended: the browser names the page it was sent from.
    referrer = urlsplit(request.referrer or "")
    if referrer.netloc == request.host:
        page_of_form = safe_next(referrer.path + (f"?{referrer.query}" if referrer.query else ""))
        if _answers_get(page_of_form):
            return page_of_form
    return url_for("ui.home")


def _answers_get(path: str) -> bool:
    adapter = current_app.url_map.bind_to_environ(request.environ)
    try:
        adapter.match(urlsplit(path).path, method="GET")
    except MethodNotAllowed:
        return False
    except HTTPException:
        return True  # a redirect, or a page that is not there: it says so itself
    return True


def _items(text: str) -> list[str]:
    return [item for item in text.replace(",", " ").split() if item][:50]
