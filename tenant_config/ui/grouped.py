"""Every config of an integration as the user may see it, grouped as the pages show them."""

from __future__ import annotations

import dataclasses
import uuid
from datetime import datetime

from tenant_config.configs import service as configs
from tenant_config.platform.scopes import CONFIG_READ_SENSITIVE
from tenant_config.platform.tenancy import Principal

# The pages show every config of an integration: read in pages this size, it is one query, where
# the API's 100 took several (and an `asOf` page recomputes every config's state each time).
ALL_AT_ONCE = 1000


def all_configs(
    principal: Principal, integration_id: uuid.UUID, as_of: datetime | None = None
) -> list:
    """Return every config of an integration (now, or as of an instant) as the user may see it."""
    rows, number = [], 0
    while True:
        found = configs.list_configs(
            principal=principal,
            integration_id=integration_id,
            args={
                "asOf": as_of,
                "pageSize": ALL_AT_ONCE,
                "pageNumber": number,
                "pageSort": ["group,ASC", "name,ASC"],
            },
        )
        rows += found.content
        number += 1
        if number * found.size >= found.total:
            return rows


def groups(rows: list) -> dict[str, list]:
    """Return `rows` keyed by their group, in order."""
    grouped: dict[str, list] = {}
    for row in rows:
        grouped.setdefault(row.group, []).append(row)
    return grouped


def count_configs(principal: Principal, integration_id: uuid.UUID) -> int:
    """Return how many configs an integration has (one row read, none decrypted for nothing)."""
    found = configs.list_configs(
        principal=masked_view(principal),
        integration_id=integration_id,
        args={"pageSize": 1, "pageNumber": 0, "pageSort": ["name,ASC"]},
    )
    return found.total


def masked_view(principal: Principal) -> Principal:
    """Return the same user with secrets masked: pages reveal a secret only when asked to."""
    return dataclasses.replace(principal, scopes=principal.scopes - {CONFIG_READ_SENSITIVE})
