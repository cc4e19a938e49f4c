"""The connector lookup answered before Flask when its answer is kept and nothing has changed.

Connectors repeat the same lookup many times a minute. The first time, Flask answers it (token
verified, limits counted, the answer computed, every hook run) and this middleware keeps the
answer exactly as sent, headers included. A repeat with a token verified already, holding the
lookup's scope, is then answered here: the change counters read as the cached lookup reads
them, the rate limit counted, a fresh trace id, the same access line and metrics. Anything
else (another scheme or an unknown token, a change wait, an Origin, a body, odd characters, a
counter that moved, a refusal) goes on to Flask, which answers it the full way.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterable
from typing import Any

from flask import Flask
from werkzeug.http import parse_etags

from tenant_config.connectors.views import LOOKUP
from tenant_config.operations.logs import log_request
from tenant_config.operations.metrics import observe
from tenant_config.operations.ratelimit import count_known_caller
from tenant_config.platform.answers import EXTENSION as ANSWERS
from tenant_config.platform.answers import Answer
from tenant_config.platform.auth import known_caller
from tenant_config.platform.changes import lookup_keys
from tenant_config.platform.counters import EXTENSION as COUNTERS
from tenant_config.platform.counters import READ_BEFORE_FLASK
from tenant_config.platform.scopes import CONFIG_READ
from tenant_config.platform.tenancy import Principal
from tenant_config.platform.tracing import trace_id_from

ROUTE = f"/connectors{LOOKUP}/configs"
_PATH = re.compile(
    r"/connectors/([A-Za-z0-9_]{1,255})/partnertenants/([A-Za-z0-9._~-]{1,255})/configs"
)
_FULL_WAY = ("wait", "access_token")  # query parameters only Flask handles
_KEPT_BY_304 = frozenset({"etag", "cache-control", "vary", "expires", "content-location"})
_SET_PER_REQUEST = frozenset({"content-length", "x-request-id"})

StartResponse = Callable[..., Any]


class FastLookup:
    """WSGI middleware: repeated lookups answered from their kept bytes, the rest by Flask."""

    def __init__(self, app: Flask, wsgi_app: Callable[[dict, StartResponse], Iterable[bytes]]):
        self.app = app
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict, start_response: StartResponse) -> Iterable[bytes]:
        started = time.perf_counter()
        cache = self.app.extensions[ANSWERS]
        found = _PATH.fullmatch(environ.get("PATH_INFO", "")) if cache is not None else None
        if found is None or not _plain_get(environ):
            return self.wsgi_app(environ, start_response)
        connector, partner_tenant = found.groups()
        # Read before the answer, as the cached lookup reads them: a write committed meanwhile
        # only makes the kept answer miss.
        counters = self.app.extensions[COUNTERS].read(*lookup_keys(connector, partner_tenant))
        if counters is None:
            return self.wsgi_app(environ, start_response)
        place = (connector, partner_tenant, environ.get("QUERY_STRING", "").encode("latin-1"))
        authorization = environ.get("HTTP_AUTHORIZATION", "")
        principal = known_caller(self.app, authorization, CONFIG_READ)
        kept = None if principal is None else cache.get(_key(principal, place), counters)
        if kept is None:
            return self._answer_and_keep(environ, start_response, cache, place, counters)
        if not count_known_caller(self.app, environ, principal.identity):
            return self.wsgi_app(environ, start_response)  # the 429, from Flask
        trace = trace_id_from(
            environ.get("HTTP_TRACEPARENT", ""), environ.get("HTTP_X_REQUEST_ID", "")
        )
        status, headers, body = _replay(kept, environ.get("HTTP_IF_NONE_MATCH"), trace)
        start_response(status, headers)
        code = int(status[:3])
        observe("GET", ROUTE, code, started)
        log_request(
            method="GET",
            route=ROUTE,
            path=environ["PATH_INFO"],
            status=code,
            started=started,
            identity=principal.identity,
            trace=trace,
        )
        return [body]

    def _answer_and_keep(self, environ, start_response, cache, place, counters) -> list[bytes]:
        """Let Flask answer; keep a full 200 answer as sent, read at `counters`, for its caller."""
        sent: dict[str, Any] = {}

        def capture(status: str, headers: list[tuple[str, str]], exc_info=None):
            sent["status"], sent["headers"] = status, headers
            return start_response(status, headers, exc_info)

        environ[READ_BEFORE_FLASK] = counters  # the cached lookup reads them no second time
        chunks = self.wsgi_app(environ, capture)
        try:
            body = b"".join(chunks)
        finally:
            if hasattr(chunks, "close"):
                chunks.close()
        headers = sent["headers"]
        control = next((v for n, v in headers if n.lower() == "cache-control"), "")
        if sent["status"].startswith("200") and "no-store" not in control:
            # Flask has verified the token by now (or refused it: then no 200 to keep).
            principal = known_caller(self.app, environ.get("HTTP_AUTHORIZATION", ""), CONFIG_READ)
            if principal is not None:
                kept = tuple((n, v) for n, v in headers if n.lower() not in _SET_PER_REQUEST)
                answer = Answer(counters, body, kept, time.monotonic())
                cache.keep(_key(principal, place), answer)
        return [body]


def _key(principal: Principal, place: tuple) -> tuple:
    """The kept answer's key: apart from the cached lookup's own (which keeps no final headers)."""
    return (FastLookup, principal.sight, *place)


def _plain_get(environ: dict) -> bool:
    """Tell whether the request is a GET with no body, no Origin and no change wait."""
    query = environ.get("QUERY_STRING", "")
    return (
        environ.get("REQUEST_METHOD") == "GET"
        and "HTTP_ORIGIN" not in environ
        and environ.get("CONTENT_LENGTH", "") in ("", "0")
        and "HTTP_TRANSFER_ENCODING" not in environ
        and not any(name in query for name in _FULL_WAY)
    )


def _replay(kept: Answer, if_none_match: str | None, trace: str) -> tuple[str, list, bytes]:
    """Return the kept answer as a 200, or as the 304 Flask would send for `If-None-Match`."""
    headers = [(name, value) for name, value in kept.headers]
    etag = next((v for n, v in headers if n.lower() == "etag"), None)
    if if_none_match and etag and parse_etags(if_none_match).contains_weak(etag.strip('"')):
        kept_304 = [(n, v) for n, v in headers if n.lower() in _KEPT_BY_304]
        extra = [(n, v) for n, v in headers if n.lower() == "x-content-type-options"]
        return "304 NOT MODIFIED", [*kept_304, *extra, ("X-Request-ID", trace)], b""
    headers += [("Content-Length", str(len(kept.body))), ("X-Request-ID", trace)]
    return "200 OK", headers, kept.body
