"""JSON log lines on standard output: one access line per request, the trace id on every line."""

from __future__ import annotations

import logging
import sys
import time

from flask import Flask, Response, current_app, g, has_request_context, request
from pythonjsonlogger.json import JsonFormatter
from werkzeug.exceptions import HTTPException, MethodNotAllowed
from werkzeug.routing import Rule

from tenant_config.platform.settings import Settings
from tenant_config.platform.tracing import trace_id

ACCESS_LOGGER = "tenant_config.access"
UNMATCHED_ROUTE = "<unmatched>"
# At INFO/DEBUG SQLAlchemy logs statements and result rows (config values): never below WARNING.
QUIET_LOGGERS = ("sqlalchemy", "urllib3")
FIELDS = ("asctime", "levelname", "name", "message")
RENAMED = {"asctime": "time", "levelname": "level", "name": "logger"}
access_log = logging.getLogger(ACCESS_LOGGER)


class _CurrentStdout(logging.StreamHandler):
    """A stream handler that writes to whatever `sys.stdout` is now (test runners swap it)."""

    @property
    def stream(self):
        return sys.stdout

    @stream.setter
    def stream(self, _value) -> None:
        pass


class TraceIdFilter(logging.Filter):
    """Stamp each record made during a request with that request's trace id."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "traceId") and has_request_context():
            record.traceId = trace_id()
        return True


def json_formatter() -> JsonFormatter:
    """The one JSON line format of the service (also used by gunicorn.conf.py)."""
    formatter = JsonFormatter(list(FIELDS), rename_fields=RENAMED)
    formatter.converter = time.gmtime
    formatter.default_time_format = "%Y-%m-%dT%H:%M:%S"
    formatter.default_msec_format = "%s.%03dZ"
    return formatter


def configure_logging(settings: Settings) -> None:
    """Send every log record, as JSON, to standard output at TENANT_CONFIG_LOG_LEVEL."""
    root = logging.getLogger()
    for handler in [h for h in root.handlers if getattr(h, "tenant_config", False)]:
        root.removeHandler(handler)
    handler = _CurrentStdout()
    handler.tenant_config = True
    handler.setFormatter(json_formatter())
    handler.addFilter(TraceIdFilter())
    root.addHandler(handler)
    root.setLevel(settings.log_level)
    for name in QUIET_LOGGERS:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def route_template() -> str:
    """The matched URL rule (`/tenantintegrations/<uuid:integration_id>`), never the raw path."""
    rule = request.url_rule
    if rule is None and isinstance(request.routing_exception, MethodNotAllowed):
        rule = _rule_allowing_other_methods(request.routing_exception)
    return rule.rule if rule is not None else UNMATCHED_ROUTE


def _rule_allowing_other_methods(error: MethodNotAllowed) -> Rule | None:
    """The rule a 405 matched by path: Werkzeug keeps only the methods it allows."""
    try:
        rule, _ = current_app.create_url_adapter(request).match(
            method=(error.valid_methods or ["GET"])[0], return_rule=True
        )
    except HTTPException:
        return None
    return rule


def _start_timer() -> None:
    g.request_started = time.perf_counter()


def _log_request(response: Response) -> Response:
    started = g.get("request_started", time.perf_counter())
    log_request(
        method=request.method,
        route=route_template(),
        path=request.path,
        status=response.status_code,
        started=started,
        identity=g.get("identity"),
        trace=trace_id(),
    )
    return response


def log_request(
    *, method: str, route: str, path: str, status: int, started: float, identity, trace: str
) -> None:
    """Write a request's access line (`started`: its perf_counter at the start)."""
    access_log.info(
        "request",
        extra={
            "method": method,
            "route": route,
            "path": path,
            "status": status,
            "durationMs": round((time.perf_counter() - started) * 1000, 3),
            "identity": identity,
            "traceId": trace,
        },
    )


def init_request_logging(app: Flask, settings: Settings) -> None:
    """Configure JSON logging and log one line per request."""
    configure_logging(settings)
    app.before_request(_start_timer)
    app.after_request(_log_request)
