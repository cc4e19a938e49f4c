"""The exit codes of `tcfg`, stable for scripts, and how errors are told on stderr."""

from __future__ import annotations

import click

from tenant_config_client.errors import (
    AuthenticationError,
    ProblemError,
    TenantConfigError,
    UnavailableError,
)

OK = 0
INPUT = 1  # bad usage or input: a wrong option, a 400 or 422, an ambiguous name
NOT_FOUND = 2
CONFLICT = 3  # 409, 412, 428: someone changed it first, or a name is taken
AUTH = 4  # 401, 403, or the token endpoint refused the credentials
UNAVAILABLE = 5  # the service could not answer, or any other failure

STATUS_EXITS = {
    400: INPUT,
    413: INPUT,
    415: INPUT,
    422: INPUT,
    401: AUTH,
    403: AUTH,
    404: NOT_FOUND,
    410: NOT_FOUND,
    409: CONFLICT,
    412: CONFLICT,
    428: CONFLICT,
}


class CliError(TenantConfigError):
    """A failure `tcfg` finds itself (no integration of that name), with its exit code."""

    def __init__(self, message: str, exit_code: int):
        self.exit_code = exit_code
        super().__init__(message)


def exit_code(error: TenantConfigError) -> int:
    """The exit code that tells a script what kind of failure `error` is."""
    if isinstance(error, CliError):
        return error.exit_code
    if isinstance(error, ProblemError):
        return STATUS_EXITS.get(error.status, UNAVAILABLE)
    if isinstance(error, AuthenticationError):
        return AUTH
    return UNAVAILABLE


def report(error: TenantConfigError) -> None:
    """Tell the error on stderr: the problem's title, detail, field errors and traceId."""
    problem = error.problem if isinstance(error, UnavailableError) else error
    if not isinstance(problem, ProblemError):
        click.echo(f"Error: {error}", err=True)
        return
    click.echo(f"Error: {problem.status} {problem.title}", err=True)
    if problem.detail:
        click.echo(f"detail: {problem.detail}", err=True)
    for field, messages in _field_errors(problem.document.get("errors")):
        click.echo(f"  {field}: {messages}", err=True)
    if problem.trace_id:
        click.echo(f"traceId: {problem.trace_id}", err=True)


def _field_errors(errors: object, prefix: str = "") -> list[tuple[str, str]]:
    """Flatten a problem's nested `errors` into (field path, messages) pairs."""
    if isinstance(errors, dict) and "detail" in errors:  # one failed operation of a batch
        return [(prefix, str(errors["detail"])), *_field_errors(errors.get("errors"), prefix)]
    if isinstance(errors, dict):
        return [
            pair
            for key, value in errors.items()
            for pair in _field_errors(value, f"{prefix}.{key}" if prefix else str(key))
        ]
    if isinstance(errors, list) and all(isinstance(item, str) for item in errors):
        return [(prefix or "errors", "; ".join(errors))]
    return [(prefix or "errors", str(errors))] if errors is not None else []
