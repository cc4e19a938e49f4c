"""Rate limits per caller (Flask-Limiter), checked once the bearer token has been validated."""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING
from urllib.parse import urlsplit

from flask import Flask, Response, current_app, g, request
from flask_limiter import Limiter
from flask_limiter.errors import RateLimitExceeded
from limits import parse_many

from tenant_config.errors import problem_response
from tenant_config.problems import TOO_MANY_REQUESTS
from tenant_config.settings import ConfigurationError

if TYPE_CHECKING:
    from tenant_config.settings import Settings

EXTENSION = "tenant_config.ratelimit"
STORAGE_SCHEMES = {"memory", "redis", "rediss", "redis+sentinel", "redis+cluster"}
# Routes that must answer even when a caller is over its limit (probes, scrapers, the spec).
EXEMPT_PREFIXES = ("/health/", "/metrics", "/openapi.json", "/docs")


def validate_ratelimit(settings: Settings) -> None:
    """Raise ConfigurationError for a limit or storage URL that Flask-Limiter cannot use."""
    try:
        parse_many(settings.ratelimit)
    except ValueError:
        raise ConfigurationError(
            "TENANT_CONFIG_RATELIMIT must be in the `limits` notation, e.g. 50/second;2000/minute"
        ) from None
    url = settings.ratelimit_storage_url
    if url and urlsplit(url).scheme not in STORAGE_SCHEMES:
        raise ConfigurationError(
            "TENANT_CONFIG_RATELIMIT_STORAGE_URL must be a redis:// (or rediss://) URL"
        )


def caller_key() -> str:
    """Key a request by the caller its token proved, else by its address."""
    # g.identity is only ever set from a verified token, so nobody can spend another's budget
    # and an invalid or random token falls back to the address instead of a fresh bucket.
    identity = g.get("identity")
    if identity:
        return f"caller:{identity}"
    return f"addr:{request.remote_addr or 'unknown'}"


def is_exempt() -> bool:
    return request.path.startswith(EXEMPT_PREFIXES)


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
    limiter.request_filter(is_exempt)
    limit = limiter.shared_limit(settings.ratelimit, scope="api")

    @limit
    def checkpoint() -> None:
        """Count one request against the caller's budget (raises RateLimitExceeded)."""

    app.extensions[EXTENSION] = (limiter, checkpoint)
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
