"""The application factory: the platform, the resources' blueprints and the operations around."""

from __future__ import annotations

from pathlib import Path

from flask import Flask, Response, redirect
from flask_migrate import Migrate

from tenant_config.config_versions import views as config_versions_views
from tenant_config.configs import batch_views as config_batches_views
from tenant_config.configs import views as configs_views
from tenant_config.connectors import views as connectors_views
from tenant_config.instances import views as instances_views
from tenant_config.integrations import views as integrations_views
from tenant_config.operations import health, metrics
from tenant_config.operations.cli import register_cli
from tenant_config.operations.cors import init_cors
from tenant_config.operations.devkeys import ensure_dev_keys
from tenant_config.operations.fast_lookup import FastLookup
from tenant_config.operations.logs import init_request_logging
from tenant_config.operations.ratelimit import init_ratelimit
from tenant_config.parameters import views as parameters_views
from tenant_config.platform.answers import init_answers
from tenant_config.platform.api import Api, api_config, check_url, register_docs_assets
from tenant_config.platform.auth import init_auth
from tenant_config.platform.changes import init_changes
from tenant_config.platform.counters import init_counters
from tenant_config.platform.database import configure_engine, db, engine_options, release_sessions
from tenant_config.platform.encryption.column import init_encryption
from tenant_config.platform.problem_responses import register_error_handlers
from tenant_config.platform.settings import Settings
from tenant_config.platform.sizes import BODY_MAX_BYTES
from tenant_config.platform.tracing import trace_id
from tenant_config.ui.shell import init_ui

MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"
RESOURCES = (
    integrations_views,
    config_versions_views,
    configs_views,
    config_batches_views,
    connectors_views,
    parameters_views,
    instances_views,
)


def create_app(settings: Settings | None = None) -> Flask:
    """Build the application for `settings` (default: from the environment)."""
    settings = settings or Settings.from_env()
    app = Flask(__name__, instance_path=str(settings.instance_path.resolve()), static_folder=None)
    # Werkzeug would answer `//` in a path with a redirect built from the Host header.
    app.url_map.merge_slashes = False
    app.config.update(
        TENANT_CONFIG=settings,
        SQLALCHEMY_DATABASE_URI=settings.database_url,
        SQLALCHEMY_ENGINE_OPTIONS=engine_options(settings),
        MAX_CONTENT_LENGTH=BODY_MAX_BYTES,
        **api_config(),
    )
    init_request_logging(app, settings)
    app.before_request(check_url)
    if settings.development:
        ensure_dev_keys(settings)
    init_encryption(app, settings)
    db.init_app(app)
    release_sessions(app)
    with app.app_context():
        configure_engine(db.engine)
        metrics.init_metrics(app, db.engine)
        init_changes(app, db.engine)
        init_counters(app, db.engine)
    init_answers(app, settings.answer_cache_mb * 1024 * 1024)
    Migrate(app, db, directory=str(MIGRATIONS))
    init_auth(app, settings)
    init_ratelimit(app, settings)
    init_cors(app, settings)
    api = Api(app)
    for resource in RESOURCES:
        api.register_blueprint(resource.blp)
    api.register_blueprint(health.blp)
    api.register_blueprint(metrics.blp)
    health.init_health(app)
    register_error_handlers(app)
    register_docs_assets(app)
    init_ui(app, settings)
    app.add_url_rule("/docs/", "docs_slash", _docs_redirect)
    register_cli(app)
    app.after_request(_common_headers)
    # Outermost: repeated connector lookups never reach Flask (operations/fast_lookup.py).
    app.wsgi_app = FastLookup(app, app.wsgi_app)
    return app


def _common_headers(response: Response) -> Response:
    response.headers["X-Request-ID"] = trace_id()
    response.headers["X-Content-Type-Options"] = "nosniff"
    if response.status_code in (204, 304):
        del response.headers["Content-Type"]  # no content, so no content type (RFC 9110)
    return response


def _docs_redirect() -> Response:
    # A relative Location: never built from the request's Host header.
    return redirect("/docs", code=308)
