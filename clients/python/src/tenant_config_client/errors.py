"""The errors the client raises: a problem answer, an unreachable service, a refused login."""

from __future__ import annotations

from typing import Any

import httpx


class TenantConfigError(Exception):
    """Anything the client could not do."""


class ProblemError(TenantConfigError):
    """The service refused the request with an RFC 9457 problem document."""

    def __init__(
        self,
        status: int,
        type: str,
        title: str,
        detail: str | None = None,
        trace_id: str | None = None,
        document: dict[str, Any] | None = None,
    ):
        self.status = status
        self.type = type
        self.title = title
        self.detail = detail
        self.trace_id = trace_id
        self.document = document or {}
        trace = f" (traceId {trace_id})" if trace_id else ""
        super().__init__(f"{status} {title}: {detail or type}{trace}")

    @classmethod
    def from_response(cls, response: httpx.Response) -> ProblemError:
        """Read the problem document of an answer (or describe an answer that has none)."""
        try:
            document = response.json()
        except ValueError:
            document = None
        if not isinstance(document, dict):
            return cls(response.status_code, "about:blank", response.reason_phrase)
        return cls(
            status=int(document.get("status") or response.status_code),
            type=str(document.get("type") or "about:blank"),
            title=str(document.get("title") or response.reason_phrase),
            detail=document.get("detail"),
            trace_id=document.get("traceId"),
            document=document,
        )


class UnavailableError(TenantConfigError):
    """The service could not answer: unreachable, or still busy or failing after the retries."""

    def __init__(self, message: str, problem: ProblemError | None = None):
        self.problem = problem
        super().__init__(message)


class AuthenticationError(TenantConfigError):
    """The token endpoint refused the client's credentials."""
