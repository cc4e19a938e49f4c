"""The admin UI's frame: the /ui blueprint, its session cookie, CSRF checks and error pages."""

from __future__ import annotations

import json
from datetime import timedelta
from urllib.parse import unquote_to_bytes

from flask import (
    Blueprint,
    Flask,
    Response,
    current_app,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_wtf.csrf import CSRFError, CSRFProtect
from werkzeug.routing import RequestRedirect

from tenant_config.operations.ratelimit import TooManyRequests, too_many_requests
from tenant_config.platform.errors import ValidationFailed
from tenant_config.platform.problem_responses import handle_unexpected
from tenant_config.platform.settings import Settings
from tenant_config.ui import configs, history, instances, integrations, login, oidc, promote
from tenant_config.ui.access import LoginRequired, current_user
from tenant_config.ui.pages import is_htmx

bp = Blueprint(
    "ui", __name__, url_prefix="/ui", template_folder="templates", static_folder="static"
)
CHILDREN = (login.bp, oidc.bp, integrations.bp, configs.bp, history.bp, promote.bp, instances.bp)
for child in CHILDREN:
    bp.register_blueprint(child)
csrf = CSRFProtect()


def init_ui(app: Flask, settings: Settings) -> None:
    """Serve the admin UI under /ui with its own session cookie and CSRF protection."""
    secret = settings.secret_key
    if not secret and settings.development and settings.dev_secret_key_path.exists():
        secret = settings.dev_secret_key_path.read_text().strip()
    app.config.update(
        # No secret, no session: every page then says how to configure the login.
        SECRET_KEY=secret or None,
        SESSION_COOKIE_NAME="tenant_config_ui",
        SESSION_COOKIE_PATH="/ui",  # the API never receives it, so it can never authorize a call
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=not settings.development,
        PERMANENT_SESSION_LIFETIME=timedelta(hours=8),
        # Checked by the UI's own blueprint only: the API takes bearer tokens, never cookies.
        WTF_CSRF_CHECK_DEFAULT=False,
        WTF_CSRF_TIME_LIMIT=None,  # the session's lifetime bounds it
        WTF_CSRF_SSL_STRICT=False,  # SameSite=Lax and the token guard; proxies rewrite Referer
    )
    csrf.init_app(app)
    oidc.init_oidc(app, settings)
    app.register_blueprint(bp)
    # A path no route matches belongs to no blueprint, so the UI's handlers never see it.
    app.before_request(_unmatched_page)


def _unmatched_page() -> Response | None:
    error = request.routing_exception
    if (
        error is None
        or isinstance(error, RequestRedirect)
        or not (request.path == "/ui" or request.path.startswith("/ui/"))
    ):
        return None
    return _page_headers(make_response(_error_page(error)))


@bp.before_request
def _check_form() -> None:
    if request.method in ("GET", "HEAD", "OPTIONS"):
        return
    if not current_app.secret_key:
        raise CSRFError("There is no session to check this form against.")
    # Kept before the form is parsed from it: Werkzeug replaces bytes that are not UTF-8 unseen.
    body = request.get_data(cache=True)
    csrf.protect()
    if request.mimetype == "application/x-www-form-urlencoded":
        body = unquote_to_bytes(body)
    try:
        body.decode("utf-8")
    except UnicodeDecodeError:
        raise ValidationFailed("The form is not valid UTF-8 text; nothing was saved.") from None


@bp.after_request
def _page_headers(response: Response) -> Response:
    response.headers.setdefault(
        "Content-Security-Policy",
        "default-src 'self'; img-src 'self' data:; style-src 'self'; frame-ancestors 'none'; "
        "form-action 'self'; base-uri 'none'",
    )
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers.setdefault("Cache-Control", "no-store")
    return response


@bp.app_context_processor
def _shell_context() -> dict:
    if not (request.blueprint and request.blueprint.startswith("ui")):
        return {}
    # Named apart from Flask's `config`, which a page's own `config` (a config row) would hide.
    return {
        "user": current_user,
        "ui_sessions": bool(current_app.secret_key),
        "ui_development": current_app.config["TENANT_CONFIG"].development,
    }


@bp.route("/")
def home() -> Response:
    """Open the integrations page (or the login page)."""
    return redirect(url_for("ui.integrations.index"))


@bp.errorhandler(LoginRequired)
def _login_required(_error: LoginRequired) -> Response:
    target = url_for("ui.login.index", next=request.full_path.rstrip("?"))
    if is_htmx():
        return Response(status=204, headers={"HX-Redirect": target})
    return redirect(target)


@bp.errorhandler(CSRFError)
def _csrf_failed(error: CSRFError) -> tuple[str, int]:
    problem = {
        "title": "The form has expired",
        "status": 400,
        "detail": "Reload the page and send the form again (its security token is missing or "
        "out of date).",
    }
    return render_template("error.html", problem=problem), 400


@bp.errorhandler(Exception)
def _error_page(error: Exception) -> tuple[str, int, dict]:
    # The API's own mapping from error to problem, so both speak alike; shown as a page.
    answer = (
        too_many_requests(error) if isinstance(error, TooManyRequests) else handle_unexpected(error)
    )
    problem = json.loads(answer.get_data())
    headers = (
        {"Retry-After": answer.headers["Retry-After"]} if "Retry-After" in answer.headers else {}
    )
    return render_template("error.html", problem=problem), answer.status_code, headers


@bp.app_template_filter("merge")
def _merge(mapping: dict, **changes) -> dict:
    return {**mapping, **changes}
