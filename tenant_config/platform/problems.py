"""The documented problem types (README.md lists them): status, stable `type` URI, title."""

from __future__ import annotations

from dataclasses import dataclass

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "urn:tenant-config:problem:"


@dataclass(frozen=True)
class ProblemType:
    """One documented kind of problem: status, stable `type` URI and title."""

    status: int
    slug: str
    title: str

    @property
    def uri(self) -> str:
        return PROBLEM_BASE + self.slug


BAD_REQUEST = ProblemType(400, "bad-request", "Bad Request")
INVALID_QUERY = ProblemType(400, "invalid-query", "Invalid Query Parameters")
UNAUTHORIZED = ProblemType(401, "unauthorized", "Unauthorized")
INVALID_TOKEN = ProblemType(401, "invalid-token", "Invalid Token")
INSUFFICIENT_SCOPE = ProblemType(403, "insufficient-scope", "Insufficient Scope")
FORBIDDEN = ProblemType(403, "forbidden", "Forbidden")
NOT_FOUND = ProblemType(404, "not-found", "Not Found")
METHOD_NOT_ALLOWED = ProblemType(405, "method-not-allowed", "Method Not Allowed")
DUPLICATE = ProblemType(409, "duplicate", "Duplicate")
VERSION_CONFLICT = ProblemType(409, "version-conflict", "Version Conflict")
CONCURRENT_CHANGE = ProblemType(409, "concurrent-change", "Concurrent Change")
NOT_EMPTY = ProblemType(409, "integration-not-empty", "Integration Not Empty")
INVALIDATES_CONFIGS = ProblemType(409, "invalidates-configs", "Change Invalidates Stored Configs")
IN_USE = ProblemType(409, "connector-in-use", "Connector In Use")
PRECONDITION_FAILED = ProblemType(412, "precondition-failed", "Precondition Failed")
PAYLOAD_TOO_LARGE = ProblemType(413, "payload-too-large", "Payload Too Large")
URI_TOO_LONG = ProblemType(414, "uri-too-long", "URI Too Long")
UNSUPPORTED_MEDIA_TYPE = ProblemType(415, "unsupported-media-type", "Unsupported Media Type")
VALIDATION_FAILED = ProblemType(422, "validation-failed", "Validation Failed")
PRECONDITION_REQUIRED = ProblemType(428, "precondition-required", "Precondition Required")
HEADERS_TOO_LARGE = ProblemType(431, "headers-too-large", "Request Header Fields Too Large")
TOO_MANY_REQUESTS = ProblemType(429, "too-many-requests", "Too Many Requests")
INTERNAL_ERROR = ProblemType(500, "internal-error", "Internal Server Error")
SERVICE_UNAVAILABLE = ProblemType(503, "service-unavailable", "Service Unavailable")
SECRET_UNREADABLE = ProblemType(500, "secret-unreadable", "Sensitive Value Unreadable")

_BY_STATUS = {
    p.status: p
    for p in (
        BAD_REQUEST,
        UNAUTHORIZED,
        FORBIDDEN,
        NOT_FOUND,
        METHOD_NOT_ALLOWED,
        PRECONDITION_FAILED,
        PAYLOAD_TOO_LARGE,
        URI_TOO_LONG,
        UNSUPPORTED_MEDIA_TYPE,
        VALIDATION_FAILED,
        PRECONDITION_REQUIRED,
        TOO_MANY_REQUESTS,
        HEADERS_TOO_LARGE,
        INTERNAL_ERROR,
        SERVICE_UNAVAILABLE,
    )
}


def problem_type_for(status: int) -> ProblemType:
    """Return the documented problem type of an HTTP error status."""
    return _BY_STATUS.get(status) or (INTERNAL_ERROR if status >= 500 else BAD_REQUEST)
