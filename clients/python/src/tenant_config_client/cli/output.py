"""How `tcfg` prints answers: Rich tables for people, JSON or YAML for scripts."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import Any

import click
import yaml
from rich.console import Console
from rich.table import Table
from rich.text import Text

FORMATS = ("table", "json", "yaml")


def plain(document: Any) -> Any:
    """A copy made of dicts and lists only (read-only mappings become dicts)."""
    if isinstance(document, Mapping):
        return {str(key): plain(value) for key, value in document.items()}
    if isinstance(document, list | tuple):
        return [plain(item) for item in document]
    return document


def emit(
    output: str,
    document: Any,
    columns: Sequence[str] = (),
    rows: Sequence[Mapping[str, Any]] | None = None,
    title: str | None = None,
) -> None:
    """Print `document` as JSON or YAML, or `rows` (the document's items by default) as a table."""
    if output == "json":
        click.echo(json.dumps(plain(document), indent=2, ensure_ascii=False))
    elif output == "yaml":
        click.echo(yaml.safe_dump(plain(document), sort_keys=False, allow_unicode=True), nl=False)
    else:
        table_rows = rows if rows is not None else document
        if isinstance(table_rows, Mapping):
            table_rows = [{"field": key, "value": value} for key, value in table_rows.items()]
            columns = columns or ("field", "value")
        print_table(table_rows, columns, title)


def print_table(
    rows: Sequence[Mapping[str, Any]], columns: Sequence[str], title: str | None
) -> None:
    """Print rows as a Rich table of the given columns (a console made now: stdout may change)."""
    console = Console(soft_wrap=False)
    if title:
        console.print(Text(title))
    table = Table()
    for column in columns:
        table.add_column(column, overflow="fold")
    for row in rows:
        table.add_row(*(Text(cell(row.get(column))) for column in columns))  # no markup
    console.print(table)


def cell(value: Any) -> str:
    """A table cell: empty for null, JSON for structures, the text otherwise."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Mapping | list | tuple):
        return json.dumps(plain(value), ensure_ascii=False)
    return str(value)
