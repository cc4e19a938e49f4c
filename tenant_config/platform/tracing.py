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
        parent = _TRACEPARENT.match(request.headers.get("traceparent", "").strip().lower())
        incoming = request.headers.get("X-Request-ID", "").strip()
        if parent and parent.group(1) != "0" * 32:
            g.trace_id = parent.group(1)
        elif _TRACE_ID.match(incoming):
            g.trace_id = incoming
        else:
            g.trace_id = str(uuid.uuid4())
    return g.trace_id
