"""The lookup answered from the worker's answer cache while its change counters stand still."""

from __future__ import annotations

import functools
from collections.abc import Callable

from flask import Response, request
from sqlalchemy.exc import SQLAlchemyError

from tenant_config.platform.answers import answers
from tenant_config.platform.auth import current_principal
from tenant_config.platform.changes import change_key, connector_key, read_counters
from tenant_config.platform.database import db


def cached_lookup(view: Callable[..., Response]) -> Callable[..., Response]:
    """Answer from the cache when the partner tenant and its connector have not changed since."""

    @functools.wraps(view)
    def wrapper(*args, connector: str, partner_tenant: str, **kwargs) -> Response:
        cache = answers()
        counters = None
        if cache is not None:
            try:  # read before the answer: a write committed meanwhile only makes it miss
                counters = read_counters(
                    db.engine, change_key(connector, partner_tenant), connector_key(connector)
                )
            except SQLAlchemyError:
                counters = None  # the lookup itself answers the outage
        # Everything the answer depends on: the caller's sight, the path and the query as sent.
        key = (current_principal().sight, connector, partner_tenant, request.query_string)
        if counters is not None and (kept := cache.get(key, counters)) is not None:
            return kept.response()
        response = view(*args, connector=connector, partner_tenant=partner_tenant, **kwargs)
        if counters is not None:
            cache.put(key, counters, response)
        return response

    return wrapper
