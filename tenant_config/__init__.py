"""tenant-config: per-tenant configuration for enterprise integration connectors."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, abort, request
from flask_migrate import Migrate

from tenant_config.api import Api, api_config, register_docs_assets
from tenant_config.auth import init_auth
from tenant_config.cli import register_cli
from tenant_config.config_versions import views as config_versions_views
from tenant_config.configs import views as configs_views
from tenant_config.cors import init_cors
from tenant_config.database import configure_engine, db, engine_options
from tenant_config.devkeys import ensure_dev_keys
from tenant_config.encryption import init_encryption
from tenant_config.errors import register_error_handlers, trace_id
from tenant_config.health import views as health_views
from tenant_config.integrations import views as integrations_views
from tenant_config.logs import init_request_logging
from tenant_config.metrics import blp as metrics_blp
from tenant_config.metrics import init_metrics
from tenant_config.partners import views as partners_views
from tenant_config.ratelimit import init_ratelimit
from tenant_config.settings import Settings

MAX_BODY_BYTES = 64 * 1024
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application for `settings` (default: from the environment)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()), static_folder=None)
    app.config.update(
        TENANT_CONFIG=settings,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(settings),
        MAX_CONTENT_LENGTH=MAX_BODY_BYTES,
        **api_config(),
    )
    init_request_logging(app, settings)
    if settings.development:
        ensure_dev_keys(settings)
    init_encryption(app, settings)
    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
        init_metrics(app, db.engine)
    Migrate(app, db, directory=str(MIGRATIONS))
    init_auth(app, settings)
    init_ratelimit(app, settings)
    init_cors(app, settings)
    api = Api(app)
    api.register_blueprint(integrations_views.blp)
    api.register_blueprint(config_versions_views.blp)
    api.register_blueprint(configs_views.blp)
    api.register_blueprint(partners_views.blp)
    api.register_blueprint(health_views.blp)
    api.register_blueprint(metrics_blp)
    health_views.init_health(app)
    register_error_handlers(app)
    register_docs_assets(app)
    register_cli(app)
    app.before_request(_check_body)
    app.after_request(_common_headers)
    return app


def _check_body() -> None:
    """Refuse oversized and non-JSON bodies before anything reads them."""
    if request.content_length is not None and request.content_length > MAX_BODY_BYTES:
        abort(413, "The request body is larger than 64 KiB.")
    has_body = bool(request.content_length) or "chunked" in request.headers.get(
        "Transfer-Encoding", ""
    )
    if request.method in BODY_METHODS and has_body and not request.is_json:
        abort(415, "The request body must be application/json.")


def _common_headers(response: Response) -> Response:
    response.headers["X-Request-ID"] = trace_id()
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
