"""Walking the app's routes in tests: valid path values and bodies, and the SQL a request sends."""

from __future__ import annotations

import contextlib
import threading
import uuid
from collections.abc import Iterator

from flask import Flask
from sqlalchemy import event

from tenant_config.platform.api import Blueprint as ApiBlueprint
from tenant_config.platform.database import db


@contextlib.contextmanager
def sql_statements(app: Flask) -> Iterator[list]:
    """Collect (statement, parameters) that this thread's requests send to the database.

    Only this thread's: the change feed's watcher polls the same engine from its own thread.
    """
    seen: list = []
    caller = threading.get_ident()

    def record(_conn, _cursor, statement, parameters, _context, _many) -> None:
        if threading.get_ident() == caller:
            seen.append((statement, parameters))

    with app.app_context():
        engine = db.engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def is_api(app: Flask, endpoint: str) -> bool:
    blueprint = app.blueprints.get(endpoint.partition(".")[0])
    return isinstance(blueprint, ApiBlueprint)


def filled_segments(rule, values: dict[str, str]) -> list[str]:
    """The rule's path segments with each variable replaced by a valid value."""
    segments = []
    for segment in rule.rule.split("/"):
        if segment.startswith("<"):
            segment = values[segment[1:-1].rpartition(":")[2]]
        segments.append(segment)
    return segments


def body_for(endpoint: str, method: str, world: dict) -> dict | None:
    """A valid body for the write operations, so that nothing but the odd part is wrong."""
    if method not in ("POST", "PUT"):
        return None
    if endpoint.startswith("instances."):
        return {"etag": '"0"', "status": "applied"}
    if endpoint.startswith("connectors."):
        return {"displayName": "A connector", "version": 0}
    if endpoint.startswith("parameters."):
        return {"group": "g", "name": "messageLogEnabled", "type": "boolean", "version": 0}
    if endpoint.endswith("Restore"):
        return {"version": 0, "expectedVersion": 0}
    if endpoint.startswith("integrations."):
        return {k: world["integration"][k] for k in ("name", "client", "tenant", "connector")} | {
            "partnerTenant": world["integration"]["partnerTenant"],
            "version": 0,
        }
    return {"group": "g", "name": f"n{uuid.uuid4().hex[:8]}", "value": "v", "version": 0}
