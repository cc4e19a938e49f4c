"""Domain errors and their RFC 9457 problem documents: the one place that maps errors to HTTP."""

from __future__ import annotations

import logging
import re
import uuid

from flask import Flask, Response, g, json, request
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeoutError
from werkzeug.exceptions import HTTPException

from tenant_config.database import utcnow
from tenant_config.problems import (
    BAD_REQUEST,
    DUPLICATE,
    FORBIDDEN,
    INSUFFICIENT_SCOPE,
    INTERNAL_ERROR,
    INVALID_QUERY,
    INVALID_TOKEN,
    NOT_EMPTY,
    NOT_FOUND,
    PRECONDITION_FAILED,
    PRECONDITION_REQUIRED,
    PROBLEM_MEDIA_TYPE,
    SECRET_UNREADABLE,
    SERVICE_UNAVAILABLE,
    UNAUTHORIZED,
    VALIDATION_FAILED,
    VERSION_CONFLICT,
    ProblemType,
    problem_type_for,
)

log = logging.getLogger(__name__)


class DomainError(Exception):
    """A rule of the service was broken; `problem` says how the API reports it."""

    problem: ProblemType = BAD_REQUEST

    def __init__(
        self,
        detail: str,
        *,
        errors: dict | None = None,
        headers: dict[str, str] | None = None,
        extensions: dict | None = None,
    ):
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extensions = extensions or {}


class NotFound(DomainError):
    problem = NOT_FOUND


class Duplicate(DomainError):
    problem = DUPLICATE


class VersionConflict(DomainError):
    problem = VERSION_CONFLICT


class NotEmpty(DomainError):
    problem = NOT_EMPTY


class PreconditionFailed(DomainError):
    problem = PRECONDITION_FAILED


class PreconditionRequired(DomainError):
    problem = PRECONDITION_REQUIRED


class ValidationFailed(DomainError):
    problem = VALIDATION_FAILED


class Forbidden(DomainError):
    problem = FORBIDDEN


class InsufficientScope(DomainError):
    problem = INSUFFICIENT_SCOPE


class Unauthorized(DomainError):
    problem = UNAUTHORIZED


class InvalidToken(DomainError):
    problem = INVALID_TOKEN


class SecretUnreadable(DomainError):
    """A stored ciphertext cannot be read: its key is gone, or it belongs to another config."""

    problem = SECRET_UNREADABLE


_TRACE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


def trace_id() -> str:
    """Return this request's trace id: from `traceparent`, else `X-Request-ID`, else new."""
    if "trace_id" not in g:
        parent = _TRACEPARENT.match(request.headers.get("traceparent", "").strip().lower())
        incoming = request.headers.get("X-Request-ID", "").strip()
        if parent and parent.group(1) != "0" * 32:
            g.trace_id = parent.group(1)
        elif _TRACE_ID.match(incoming):
            g.trace_id = incoming
        else:
            g.trace_id = str(uuid.uuid4())
    return g.trace_id


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
        body["errors"] = errors
    body.update(extensions or {})
    response = Response(json.dumps(body), status=status, mimetype=PROBLEM_MEDIA_TYPE)
    response.headers.update(headers or {})
    return response


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
    """Answer 503 when the database is unreachable, else 500, never with details."""
    if isinstance(error, HTTPException):
        return handle_http_exception(error)
    if isinstance(error, DomainError):
        return handle_domain_error(error)
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
