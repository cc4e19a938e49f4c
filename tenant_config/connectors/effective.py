"""The effective configuration of an integration, and typed values, built from rows in memory.

An integration's configs are few (tens), so merging them with the connector's definitions,
sorting and paging the merged list happen here rather than in SQL.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from tenant_config.configs.queries import SORT_COLUMNS
from tenant_config.integrations.models import Integration
from tenant_config.parameters.models import Parameter
from tenant_config.parameters.rules import typed
from tenant_config.platform.pagination import Page

CONFIG, DEFAULT = "config", "default"
FILTERS = ("group", "name")
# The lookup's sort fields, as attributes of the rows it answers.
SORT_ATTRIBUTES = {field: column.key for field, column in SORT_COLUMNS.items()}


class Default:
    """A defined parameter with no stored config: the definition's default, as a config reads."""

    source = DEFAULT
    revealed = False  # a default is never a stored secret: there is nothing to reveal
    id = version = created_at = updated_at = created_by = updated_by = None

    def __init__(self, parameter: Parameter, integration: Integration):
        self.group = parameter.group
        self.name = parameter.name
        self.label = parameter.label
        self.description = parameter.description
        self.value = parameter.default
        self.sensitive = parameter.type == "secret"
        self.connector = integration.connector
        self.integration_id = integration.id
        self.integration_name = integration.name
        self.client = integration.client
        self.client_name = integration.client_name
        self.tenant = integration.tenant
        self.tenant_name = integration.tenant_name
        self.partner_tenant = integration.partner_tenant
        self.partner_tenant_name = integration.partner_tenant_name


class Stored:
    """A row shown to the caller (masked or revealed), marked as a stored config."""

    __slots__ = ("_row",)
    source = CONFIG

    def __init__(self, row: Any):
        self._row = row

    def __getattr__(self, name: str) -> Any:
        return getattr(self._row, name)


def merged(
    configs: Iterable[Any], definitions: Mapping[str, Parameter], integration: Integration
) -> list[Any]:
    """Return the stored configs, then a Default for each defined parameter none of them sets."""
    configs = list(configs)
    stored = {config.name for config in configs}
    defaults = [Default(p, integration) for name, p in definitions.items() if name not in stored]
    return [*configs, *defaults]


def matching(rows: Iterable[Any], args: Mapping[str, Any]) -> list[Any]:
    """Keep the rows the `group` and `name` filters of `args` let through."""
    wanted = {field: args[field] for field in FILTERS if args.get(field) is not None}
    return [row for row in rows if all(getattr(row, f) == v for f, v in wanted.items())]


def sorted_page(rows: list[Any], args: Mapping[str, Any]) -> Page:
    """Sort `rows` as `pageSort` asks (as SQL would: NULLs first ascending, last descending;
    ties by name) and return the page `pageSize`/`pageNumber` name."""
    rows = sorted(rows, key=lambda row: row.name)
    for item in reversed(args["pageSort"]):
        field, _, direction = item.partition(",")
        attribute = SORT_ATTRIBUTES[field.strip()]
        descending = direction.strip().upper() == "DESC"
        # Python's sort is stable, so sorting by the last key first leaves the first one ruling.
        rows.sort(key=lambda row, a=attribute: _nulls_low(getattr(row, a)), reverse=descending)
    size, number = args["pageSize"], args["pageNumber"]
    content = rows[number * size : (number + 1) * size]
    return Page(content=content, number=number, size=size, total=len(rows))


def _nulls_low(value: Any) -> tuple[bool, Any]:
    return (value is not None, value)


def typed_map(rows: Iterable[Any], definitions: Mapping[str, Parameter]) -> dict[str, dict]:
    """Return `{group: {name: value}}`, each value read as its definition's type."""
    answer: dict[str, dict[str, Any]] = {}
    for row in sorted(rows, key=lambda row: (row.group, row.name)):
        answer.setdefault(row.group, {})[row.name] = typed_value(row, definitions.get(row.name))
    return answer


def typed_value(row: Any, definition: Parameter | None) -> Any:
    """Return a row's value as its definition's type; a mask, or no definition: as it is."""
    if definition is None or (row.sensitive and not row.revealed):
        return row.value  # a masked secret stays the mask, whatever its type
    return typed(definition.definition(), row.value)
