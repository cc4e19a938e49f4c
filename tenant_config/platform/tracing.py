"""The trace id of a request: from `traceparent`, else `X-Request-ID`, else generated."""

from __future__ import annotations

import re
import uuid

from flask import g, request

_TRACE_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")
_TRACEPARENT = re.compile(r"^[0-9a-f]{2}-([0-9a-f]{32})-[0-9a-f]{16}-[0-9a-f]{2}$")


def trace_id() -> str:
    """Return this request's trace id: from `traceparent`, else `X-Request-ID`, else new."""
    if "trace_id" not in g:
        headers = request.headers
        g.trace_id = trace_id_from(headers.get("traceparent", ""), headers.get("X-Request-ID", ""))
    return g.trace_id


def trace_id_from(traceparent: str, request_id: str) -> str:
    """Return the trace id a request with these headers carries, or a new one."""
    parent = _TRACEPARENT.match(traceparent.strip().lower())
    incoming = request_id.strip()
    if parent and parent.group(1) != "0" * 32:
        return parent.group(1)
    if _TRACE_ID.match(incoming):
        return incoming
    return str(uuid.uuid4())
