"""Prometheus metrics: requests by method, route template and status, and the database pool.

Under gunicorn, gunicorn.conf.py sets PROMETHEUS_MULTIPROC_DIR before the workers fork, so
every worker writes its samples there and `GET /metrics` adds them up.
"""

from __future__ import annotations

import os
import threading
import time

from flask import Flask, Response, current_app, g, request
from flask.views import MethodView
from flask_smorest import Blueprint
from prometheus_client import (
    CONTENT_TYPE_LATEST,
    REGISTRY,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    generate_latest,
    multiprocess,
)
from sqlalchemy import Engine, event

from tenant_config.operations.logs import route_template
from tenant_config.platform.auth import authenticate
from tenant_config.platform.scopes import METRICS_READ

LABELS = ("method", "route", "status")
# Label values stay few whatever callers send: any other method is counted as "other".
HTTP_METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "TRACE"})
OTHER_METHOD = "other"
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30)

REQUESTS = Counter(
    "tenant_config_http_requests_total", "HTTP requests answered, by route template.", LABELS
)
LATENCY = Histogram(
    "tenant_config_http_request_duration_seconds",
    "Time from the first request hook to the response, by route template.",
    LABELS,
    buckets=BUCKETS,
)
POOL_IN_USE = Gauge(
    "tenant_config_db_pool_connections_in_use",
    "Database connections checked out of the pools (all live workers).",
    multiprocess_mode="livesum",
)

blp = Blueprint("metrics", __name__, description="Prometheus metrics.")


@blp.route("/metrics")
class Metrics(MethodView):
    @blp.doc(
        summary="Prometheus metrics",
        security=[{}, {"bearerAuth": [METRICS_READ]}],
        description="Prometheus text format. Needs a token with "
        f"`{METRICS_READ}` only when TENANT_CONFIG_METRICS_REQUIRE_TOKEN=true.",
    )
    @blp.response(200, {"type": "string"}, content_type="text/plain", description="Metrics.")
    @blp.alt_response(400, response="BAD_REQUEST")
    @blp.alt_response(401, response="UNAUTHORIZED")
    @blp.alt_response(403, response="FORBIDDEN")
    @blp.alt_response(503, response="SERVICE_UNAVAILABLE")
    def get(self):
        """Expose the metrics of every worker in Prometheus text format."""
        if current_app.config["TENANT_CONFIG"].metrics_require_token:
            authenticate(METRICS_READ)
        # `content_type`, not `mimetype`: CONTENT_TYPE_LATEST already names the charset.
        return Response(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)


def _registry() -> CollectorRegistry:
    if not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        return REGISTRY
    registry = CollectorRegistry()
    multiprocess.MultiProcessCollector(registry)
    return registry


def _start_timer() -> None:
    g.metrics_started = time.perf_counter()


def _observe(response: Response) -> Response:
    observe(request.method, route_template(), response.status_code, g.get("metrics_started"))
    return response


def observe(method: str, route: str, status: int, started: float | None) -> None:
    """Count a request and time it from `started` (its perf_counter), when known."""
    labels = (method if method in HTTP_METHODS else OTHER_METHOD, route, str(status))
    REQUESTS.labels(*labels).inc()
    if started is not None:
        LATENCY.labels(*labels).observe(time.perf_counter() - started)


def watch_pool(engine: Engine) -> None:
    """Keep POOL_IN_USE equal to the connections this process has checked out."""
    checked_out: set[int] = set()
    lock = threading.Lock()

    def _checkout(_dbapi, record, _proxy) -> None:
        with lock:
            checked_out.add(id(record))
            POOL_IN_USE.set(len(checked_out))

    def _checkin(_dbapi, record) -> None:
        with lock:
            checked_out.discard(id(record))
            POOL_IN_USE.set(len(checked_out))

    event.listen(engine, "checkout", _checkout)
    event.listen(engine, "checkin", _checkin)


def init_metrics(app: Flask, engine: Engine) -> None:
    """Count and time every request and watch the database pool."""
    app.before_request(_start_timer)
    app.after_request(_observe)
    watch_pool(engine)
