"""Change waits on the lookup: `wait=<seconds>` with If-None-Match answers at the first change."""

from __future__ import annotations

import functools
import time
from collections.abc import Callable

from flask import Response, request

from tenant_config.platform.changes import change_key, feed
from tenant_config.platform.database import db


def waits_for_change(view: Callable[..., Response]) -> Callable[..., Response]:
    """While the answer is still 304 and `wait` has time left, sleep until a change, then retry."""

    @functools.wraps(view)
    def wrapper(*args, connector: str, partner_tenant: str, **kwargs) -> Response:
        if "wait" not in request.args:
            return view(*args, connector=connector, partner_tenant=partner_tenant, **kwargs)
        key = change_key(connector, partner_tenant)
        position = feed().position(key)  # read first: a change landing meanwhile still counts
        response = view(*args, connector=connector, partner_tenant=partner_tenant, **kwargs)
        # The view has validated `wait` (1..60) by now; without it, or without a 304, answer.
        deadline = time.monotonic() + int(request.args.get("wait") or 0)
        while response.status_code == 304 and (remaining := deadline - time.monotonic()) > 0:
            db.session.close()  # no database connection is held while waiting
            if not feed().wait(key, position, remaining):
                break
            position = feed().position(key)
            response = view(*args, connector=connector, partner_tenant=partner_tenant, **kwargs)
        return response

    return wrapper
