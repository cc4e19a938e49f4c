"""Browser callers: CORS for the listed origins, and private caching of config answers."""

from __future__ import annotations

from flask import Flask, Response, request
from flask_cors import CORS

from tenant_config.platform.settings import Settings

ALLOWED_HEADERS = [
    "Authorization",
    "Content-Type",
    "If-Match",
    "If-None-Match",
    "X-Request-ID",
    "traceparent",
]
EXPOSED_HEADERS = ["ETag", "Location", "X-Request-ID", "Retry-After", "WWW-Authenticate"]
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]
PREFLIGHT_MAX_AGE = 600
# Blueprints whose answers hold configuration: a shared cache must never keep them.
PRIVATE_BLUEPRINTS = frozenset({"configs", "config_batches", "config_versions", "connectors"})


def init_cors(app: Flask, settings: Settings) -> None:
    """Answer CORS requests from the configured origins only; none by default."""
    app.after_request(_private_cache)
    if not settings.cors_origins:
        return
    CORS(
        app,
        origins=[origin.lower() for origin in settings.cors_origins],
        allow_headers=ALLOWED_HEADERS,
        expose_headers=EXPOSED_HEADERS,
        methods=METHODS,
        max_age=PREFLIGHT_MAX_AGE,
        supports_credentials=False,
        vary_header=True,
    )
    app.after_request(_vary_on_origin)


def _vary_on_origin(response: Response) -> Response:
    # flask-cors leaves Vary out when one origin is listed, yet answers differ with Origin.
    response.vary.add("Origin")
    return response


def _private_cache(response: Response) -> Response:
    """Mark config answers `private`, unless the view already chose (e.g. `no-store`)."""
    if request.blueprint in PRIVATE_BLUEPRINTS and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "private"
    return response
