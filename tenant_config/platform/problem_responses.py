"""RFC 9457 problem documents: the one place that maps errors to HTTP answers."""

from __future__ import annotations

import logging

from flask import Flask, Response, g, json, request
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from tenant_config.platform.clock import utcnow
from tenant_config.platform.database import is_transient_conflict
from tenant_config.platform.errors import DomainError
from tenant_config.platform.problems import (
    BAD_REQUEST,
    CONCURRENT_CHANGE,
    INTERNAL_ERROR,
    INVALID_QUERY,
    PROBLEM_MEDIA_TYPE,
    SERVICE_UNAVAILABLE,
    VALIDATION_FAILED,
    ProblemType,
    problem_type_for,
)
from tenant_config.platform.tracing import trace_id

log = logging.getLogger(__name__)


def problem_response(
    problem: ProblemType,
    detail: str,
    *,
    status: int | None = None,
    errors: dict | None = None,
    headers: dict[str, str] | None = None,
    extensions: dict | None = None,
) -> Response:
    """Build an `application/problem+json` response for the current request."""
    status = status or problem.status
    body = {
        "type": problem.uri,
        "title": problem.title,
        "status": status,
        "detail": detail,
        "instance": request.path,
        "timestamp": utcnow().strftime("%Y-%m-%dT%H:%M:%S.%fZ"),
        "traceId": trace_id(),
    }
    identity = g.get("identity")
    if identity:
        body["encounteredBy"] = identity
    if errors:
        body["errors"] = _text_keys(errors)
    body.update(extensions or {})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    response.headers.update(headers or {})
    return response


def _text_keys(messages: dict) -> dict:
    """Give every key its JSON form, a string: item indexes next to `_schema` cannot be sorted."""
    return {
        str(key): _text_keys(value) if isinstance(value, dict) else value
        for key, value in messages.items()
    }


def _flatten(messages: dict) -> dict:
    """Turn webargs' {location: {field: [...]}} into {field: [...]}."""
    flat: dict = {}
    for location, fields in messages.items():
        if isinstance(fields, dict):
            flat.update(fields)
        else:
            flat[location] = fields
    return flat


def handle_http_exception(error: HTTPException) -> Response:
    """Render Werkzeug, webargs and unexpected errors as problems, keeping their headers."""
    if error.code == 500 and getattr(error, "original_exception", None) is not None:
        return handle_unexpected(error.original_exception)
    data = getattr(error, "data", None) or {}
    messages = data.get("messages") or data.get("errors")
    headers = {k: v for k, v in error.get_headers() if k.lower() != "content-type"}
    headers.update(data.get("headers") or {})
    if (
        error.code == 400
        and messages
        and "json" in messages
        and messages["json"] == ["Invalid JSON body."]
    ):
        return problem_response(BAD_REQUEST, "The request body is not valid JSON.", headers=headers)
    if messages:
        problem = INVALID_QUERY if error.code == 400 else VALIDATION_FAILED
        return problem_response(
            problem,
            "The request has invalid fields; see errors.",
            status=error.code,
            errors=_flatten(messages),
            headers=headers,
        )
    problem = problem_type_for(error.code or 500)
    return problem_response(
        problem, error.description or problem.title, status=error.code, headers=headers
    )


def handle_domain_error(error: DomainError) -> Response:
    """Render a domain error as its problem."""
    return problem_response(
        error.problem,
        error.detail,
        errors=error.errors,
        headers=error.headers,
        extensions=error.extensions,
    )


def handle_unexpected(error: BaseException) -> Response:
    """Answer 409 to a race the database aborted, 503 when it is unreachable, else 500."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    if isinstance(error, DomainError):
        return handle_domain_error(error)
    if is_transient_conflict(error):
        # A deadlock or serialization failure is a race the caller may retry, not an outage.
        log.warning("database conflict: %s", type(error.orig).__name__)
        return problem_response(
            CONCURRENT_CHANGE, "The resource changed concurrently; read it and try again."
        )
    if isinstance(error, OperationalError | PoolTimeoutError) or (
        isinstance(error, DBAPIError) and error.connection_invalidated
    ):
        log.error("database unavailable: %s", type(getattr(error, "orig", None) or error).__name__)
        return problem_response(
            SERVICE_UNAVAILABLE,
            "The database is unavailable. Please try again later.",
            headers={"Retry-After": "5"},
        )
    log.error("unexpected error", exc_info=error)
    return problem_response(
        INTERNAL_ERROR, "The server met an unexpected condition; the traceId identifies it."
    )


def register_error_handlers(app: Flask) -> None:
    """Route every error the app can raise to a problem document."""
    app.register_error_handler(DomainError, handle_domain_error)
    app.register_error_handler(HTTPException, handle_http_exception)
    app.register_error_handler(Exception, handle_unexpected)
