"""The lookup answered from the worker's answer cache while its change counters stand still."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Response, request

from tenant_config.platform.answers import answers
from tenant_config.platform.auth import current_principal
from tenant_config.platform.changes import lookup_keys
from tenant_config.platform.counters import READ_BEFORE_FLASK, read_counters
from tenant_config.platform.tenancy import Principal


def cached_lookup(view: Callable[..., Response]) -> Callable[..., Response]:
    """Answer from the cache when the partner tenant and its connector have not changed since."""

    @functools.wraps(view)
    def wrapper(*args, connector: str, partner_tenant: str, **kwargs) -> Response:
        counters = request.environ.pop(READ_BEFORE_FLASK, None)  # once: a wait reads anew
        if counters is None and answers() is not None:
            # Read before the answer: a write committed meanwhile only makes it miss. Unread
            # (None), the lookup answers without the cache, and answers an outage itself.
            counters = lookup_counters(connector, partner_tenant)
        return answered(
            principal=current_principal(),
            connector=connector,
            partner_tenant=partner_tenant,
            query=request.query_string,
            counters=counters,
            produce=lambda: view(
                *args, connector=connector, partner_tenant=partner_tenant, **kwargs
            ),
        )

    return wrapper


def lookup_counters(connector: str, partner_tenant: str) -> tuple[int, int] | None:
    """Return the change counters a lookup's answer is read at (None when unreadable now)."""
    return read_counters(*lookup_keys(connector, partner_tenant))


def answered(
    *,
    principal: Principal,
    connector: str,
    partner_tenant: str,
    query: bytes,
    counters: tuple[int, int] | None,
    produce: Callable[[], Response],
) -> Response:
    """Return the answer kept at `counters` for this caller and query, else produce and keep it."""
    cache = answers()
    if cache is None or counters is None:
        return produce()
    # Everything the answer depends on: the caller's sight, the path and the query as sent.
    key = (principal.sight, connector, partner_tenant, query)
    if (kept := cache.get(key, counters)) is not None:
        return kept.response()
    response = produce()
    cache.put(key, counters, response)
    return response
