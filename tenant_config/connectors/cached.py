"""The lookup answered from the worker's answer cache while its change counters stand still."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Response, request

from tenant_config.platform.answers import answers
from tenant_config.platform.auth import current_principal
from tenant_config.platform.changes import change_key, connector_key
from tenant_config.platform.counters import read_counters


def cached_lookup(view: Callable[..., Response]) -> Callable[..., Response]:
    """Answer from the cache when the partner tenant and its connector have not changed since."""

    @functools.wraps(view)
    def wrapper(*args, connector: str, partner_tenant: str, **kwargs) -> Response:
        cache = answers()
        counters = None
        if cache is not None:
            # Read before the answer: a write committed meanwhile only makes it miss. Unread
            # (None), the lookup answers without the cache, and answers an outage itself.
            keys = change_key(connector, partner_tenant), connector_key(connector)
            counters = read_counters(*keys)
        # Everything the answer depends on: the caller's sight, the path and the query as sent.
        key = (current_principal().sight, connector, partner_tenant, request.query_string)
        if counters is not None and (kept := cache.get(key, counters)) is not None:
            return kept.response()
        response = view(*args, connector=connector, partner_tenant=partner_tenant, **kwargs)
        if counters is not None:
            cache.put(key, counters, response)
        return response

    return wrapper
