"""Rows shaped for one caller: a sensitive value masked, or revealed to those allowed to see it."""

from __future__ import annotations

from typing import Any

from tenant_config.platform.encryption.column import SensitiveValue
from tenant_config.platform.tenancy import Principal

MASK = "********"


class Shown:
    """A row as one caller sees it: every attribute of the row, with `value` masked or revealed."""

    __slots__ = ("_row", "revealed", "value")

    def __init__(self, row: SensitiveValue, value: str | None, *, revealed: bool):
        self._row = row
        self.value = value
        self.revealed = revealed

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def shown_to(principal: Principal, row: SensitiveValue) -> Shown:
    """Shape `row` for `principal`; decrypt now, so an unreadable secret fails before answering."""
    if not row.sensitive:
        return Shown(row, row.value, revealed=False)
    if not principal.may_read_sensitive():
        return Shown(row, MASK, revealed=False)
    return Shown(row, row.reveal(), revealed=True)


def cache_headers(*rows: Shown) -> dict[str, str]:
    """Return `Cache-Control: no-store` when an answer reveals a secret: no cache may keep it."""
    return {"Cache-Control": "no-store"} if any(row.revealed for row in rows) else {}
