"""Rate limits per caller (Flask-Limiter), checked once the bearer token has been validated."""

from __future__ import annotations

import math
import time

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded

from tenant_config.platform.auth import after_authentication
from tenant_config.platform.problem_responses import problem_response
from tenant_config.platform.problems import TOO_MANY_REQUESTS
from tenant_config.platform.settings import Settings

EXTENSION = "tenant_config.operations.ratelimit"


def caller_key() -> str:
    """Key a request by the caller its token proved, else by its address."""
    # g.identity is only ever set from a verified token, so nobody can spend another's budget
    # and an invalid or random token falls back to the address instead of a fresh bucket.
    identity = g.get("identity")
    if identity:
        return f"caller:{identity}"
    return f"addr:{request.remote_addr or 'unknown'}"


def init_ratelimit(app: Flask, settings: Settings) -> None:
    """Set up the per-caller limit; `limit_caller()` enforces it after authentication."""
    if not settings.ratelimit_enabled:
        return
    limiter = Limiter(
        caller_key,
        app=app,
        storage_uri=settings.ratelimit_storage_url or "memory://",
        storage_options={"socket_timeout": 1, "socket_connect_timeout": 1},
        strategy="sliding-window-counter",
        key_prefix=settings.ratelimit_key_prefix,
        # An unreachable Redis must not take the API down: fall back to per-worker limits.
        in_memory_fallback_enabled=True,
        swallow_errors=True,
        headers_enabled=False,
    )
    limit = limiter.shared_limit(settings.ratelimit, scope="api")

    @limit
    def checkpoint() -> None:
        """Count one request against the caller's budget (raises RateLimitExceeded)."""

    app.extensions[EXTENSION] = (limiter, checkpoint)
    # Counted once the token is checked: keyed by the proven caller, or its address if none.
    after_authentication(app, limit_caller)
    app.register_error_handler(RateLimitExceeded, _too_many_requests)


def limit_caller() -> None:
    """Count this request against its caller's limit; raise RateLimitExceeded when over it."""
    installed = current_app.extensions.get(EXTENSION)
    if installed is not None:
        installed[1]()


def _too_many_requests(error: RateLimitExceeded) -> Response:
    limiter: Limiter = current_app.extensions[EXTENSION][0]
    breached = limiter.current_limit
    retry_after = 1
    if breached is not None:
        # A sliding window's reset can land a fraction past the window; never ask for more.
        window = breached.limit.get_expiry()
        retry_after = min(window, max(1, math.ceil(breached.reset_at - time.time())))
    return problem_response(
        TOO_MANY_REQUESTS,
        f"Too many requests: the limit is {error.description}. Retry after {retry_after} s.",
        headers={"Retry-After": str(retry_after)},
    )
