"""Requests to the service with a token, retried when a later try may pass, problems raised typed.

The layer the command line (`tcfg`) is to share with the library: any route, any method.
"""

from __future__ import annotations

import logging
import threading
import time
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import httpx

from tenant_config_client.auth import BearerAuth, TokenProvider
from tenant_config_client.backoff import Backoff, parse_retry_after
from tenant_config_client.errors import ProblemError, UnavailableError
from tenant_config_client.stats import Counters

log = logging.getLogger("tenant_config_client")

# Busy or briefly down: a later try may pass. Every other 4xx is an answer, never retried.
IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
RETRIED_STATUSES = frozenset({429, 502, 503, 504})


def _user_agent() -> str:
    try:
        return f"tenant-config-client/{version('tenant-config-client')}"
    except PackageNotFoundError:
        return "tenant-config-client"


class Transport:
    """Send requests to one service: authorized, retried with backoff, failures raised typed."""

    def __init__(
        self,
        base_url: str,
        tokens: TokenProvider,
        *,
        backoff: Backoff,
        counters: Counters,
        timeout: float = 10.0,
    ):
        self.base_url = base_url.rstrip("/")
        self.backoff = backoff
        self.counters = counters
        self.timeout = timeout
        self._http = httpx.Client(
            base_url=self.base_url,
            auth=BearerAuth(tokens, on_refresh=lambda: counters.add("token_refreshes")),
            timeout=timeout,
            headers={"User-Agent": _user_agent()},
        )

    def send(
        self,
        method: str,
        path: str,
        *,
        params: dict[str, str] | None = None,
        headers: dict[str, str] | None = None,
        json: Any = None,
        read_timeout: float | None = None,
        stop: threading.Event | None = None,
    ) -> httpx.Response:
        """Send until an answer is not worth trying again; return a 2xx or 304, raise the rest."""
        # A 4xx raises ProblemError; a 5xx, or tries spent on 429s, 5xx and connection errors,
        # UnavailableError. `stop` ends the waits between tries early.
        timeout = httpx.Timeout(self.timeout, read=read_timeout or self.timeout)
        for attempt in range(self.backoff.attempts):
            retry_after = None
            try:
                self.counters.add("requests")
                response = self._request(
                    method, path, params=params, headers=headers, json=json, timeout=timeout
                )
            except (httpx.TransportError, UnavailableError) as error:
                failure: UnavailableError = UnavailableError(
                    f"{method} {path}: the service could not be reached ({type(error).__name__})"
                )
                failure.__cause__ = error
            else:
                if response.status_code < 400:
                    return response
                problem = ProblemError.from_response(response)
                if response.status_code not in RETRIED_STATUSES:
                    if response.status_code >= 500:
                        raise UnavailableError(str(problem), problem)
                    raise problem
                if response.status_code == 429:
                    self.counters.add("rate_limited")
                retry_after = parse_retry_after(response.headers.get("Retry-After"))
                failure = UnavailableError(str(problem), problem)
            delay = self.backoff.delay(attempt, retry_after)
            if delay is None:
                break
            log.info(
                "%s %s failed (%s); try %d of %d in %.2f s",
                method, path, failure, attempt + 2, self.backoff.attempts, delay,
            )  # fmt: skip
            self.counters.add("retries")
            if stop is None:
                time.sleep(delay)
            elif stop.wait(delay):
                break
        raise failure

    def _request(self, method: str, path: str, **options: Any) -> httpx.Response:
        try:
            return self._http.request(method, path, **options)
        except httpx.RemoteProtocolError:
            if method not in IDEMPOTENT:
                raise
            # The server closed a kept-alive connection as the request went out on it (its
            # keep-alive ran out while we waited, say for Retry-After): once more, on a new one.
            return self._http.request(method, path, **options)

    def close(self) -> None:
        """Close the connections."""
        self._http.close()
