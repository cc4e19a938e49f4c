"""Domain errors: the rules a service can find broken, each with the problem type it maps to."""

from __future__ import annotations

from tenant_config.platform.problems import (
    BAD_REQUEST,
    CONCURRENT_CHANGE,
    DUPLICATE,
    FORBIDDEN,
    IN_USE,
    INSUFFICIENT_SCOPE,
    INVALID_QUERY,
    INVALID_TOKEN,
    INVALIDATES_CONFIGS,
    NOT_EMPTY,
    NOT_FOUND,
    PRECONDITION_FAILED,
    PRECONDITION_REQUIRED,
    SECRET_UNREADABLE,
    UNAUTHORIZED,
    VALIDATION_FAILED,
    VERSION_CONFLICT,
    ProblemType,
)


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


class InvalidQuery(DomainError):
    problem = INVALID_QUERY


class NotFound(DomainError):
    problem = NOT_FOUND


class Duplicate(DomainError):
    problem = DUPLICATE


class VersionConflict(DomainError):
    problem = VERSION_CONFLICT


class ConcurrentChange(DomainError):
    problem = CONCURRENT_CHANGE


class NotEmpty(DomainError):
    problem = NOT_EMPTY


class InvalidatesConfigs(DomainError):
    """A definition change would leave stored configs that no longer satisfy it."""

    problem = INVALIDATES_CONFIGS


class InUse(DomainError):
    problem = IN_USE


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
