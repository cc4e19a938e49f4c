"""GET /health/live and GET /health/ready: no token, small JSON bodies, 503 problems."""

from __future__ import annotations

import logging
from collections.abc import Callable

from alembic.script import ScriptDirectory
from flask import Flask, current_app, g
from flask.views import MethodView
from flask_smorest import Blueprint
from marshmallow import Schema, fields
from sqlalchemy import text

from tenant_config.platform.database import db
from tenant_config.platform.errors import DomainError
from tenant_config.platform.problems import SERVICE_UNAVAILABLE

READINESS_CHECKS = "tenant_config.readiness"
ReadinessCheck = Callable[[], str | None]  # None when ready, else a short reason (no secrets)
log = logging.getLogger(__name__)

blp = Blueprint("health", __name__, url_prefix="/health", description="Probes for orchestrators.")


class NotReady(DomainError):
    problem = SERVICE_UNAVAILABLE


class LiveSchema(Schema):
    status = fields.String(required=True, metadata={"example": "live"})


class ReadySchema(Schema):
    status = fields.String(required=True, metadata={"example": "ready"})
    checks = fields.Dict(
        keys=fields.String(),
        values=fields.String(),
        required=True,
        metadata={"example": {"database": "ok", "migrations": "ok", "jwks": "ok"}},
    )


@blp.route("/live")
class Live(MethodView):
    @blp.doc(security=[])
    @blp.response(200, LiveSchema)
    def get(self):
        """Tell that the process answers; touches nothing else."""
        return {"status": "live"}


@blp.route("/ready")
class Ready(MethodView):
    @blp.doc(security=[])
    @blp.response(200, ReadySchema)
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self):
        """Tell whether the service can serve: database reachable, migrations at head, keys."""
        checks = {}
        for name, check in current_app.extensions[READINESS_CHECKS].items():
            try:
                checks[name] = check() or "ok"
            except Exception as exc:  # a probe answers, whatever its checks raise
                log.warning("readiness check %s failed: %s", name, type(exc).__name__)
                checks[name] = "failed"
        if any(result != "ok" for result in checks.values()):
            raise NotReady(
                "The service is not ready; see checks.",
                headers={"Retry-After": "5"},
                extensions={"checks": checks},
            )
        return {"status": "ready", "checks": checks}


def add_readiness_check(app: Flask, name: str, check: ReadinessCheck) -> None:
    """Make /health/ready also depend on `check` (None when fine, else a short reason)."""
    app.extensions.setdefault(READINESS_CHECKS, {})[name] = check


def _database_and_migrations(app: Flask) -> tuple[ReadinessCheck, ReadinessCheck]:
    heads = frozenset(ScriptDirectory(app.extensions["migrate"].directory).get_heads())

    def database() -> str | None:
        g.readiness_migrations = "unknown"
        try:
            with db.engine.connect() as connection:
                connection.execute(text("SELECT 1"))
                try:
                    rows = connection.execute(text("SELECT version_num FROM alembic_version"))
                    current = frozenset(row[0] for row in rows)
                except Exception:  # no alembic_version table: never migrated
                    current = frozenset()
        except Exception as exc:
            log.warning("readiness: database unavailable: %s", type(exc).__name__)
            return "unavailable"
        g.readiness_migrations = "ok" if current == heads else "not at head"
        return None

    def migrations() -> str | None:
        if "readiness_migrations" not in g:  # another check was registered first
            database()
        result = g.readiness_migrations
        return None if result == "ok" else result

    return database, migrations


def _jwks() -> str | None:
    protector = current_app.extensions.get("tenant_config.platform.auth")
    validator = protector.get_token_validator("bearer") if protector else None
    keys = getattr(validator, "keys", None)
    if keys is None:
        return None
    try:
        keys.get(None)
    except DomainError:
        return "unavailable"
    return None


def init_health(app: Flask) -> None:
    """Register the probes' default checks: database, migrations, signing keys."""
    database, migrations = _database_and_migrations(app)
    add_readiness_check(app, "database", database)
    add_readiness_check(app, "migrations", migrations)
    add_readiness_check(app, "jwks", _jwks)
