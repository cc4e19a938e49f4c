"""`flask --app wsgi catalog load [PATH ...]`: put connector definition files into the catalog.

Each connector is loaded in one transaction through the same services as the API (so every
definition change appends its history row); a connector whose load fails changes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import click
from flask.cli import AppGroup

from tenant_config.connectors import service as connectors
from tenant_config.connectors.catalog import (
    DefinitionFileError,
    read_definition,
    shipped_definitions,
)
from tenant_config.connectors.queries import find_connector
from tenant_config.parameters import service as parameters
from tenant_config.parameters.models import DEFINITION_FIELDS
from tenant_config.parameters.queries import definitions_of
from tenant_config.platform.database import retried, transaction
from tenant_config.platform.errors import DomainError, InvalidatesConfigs
from tenant_config.platform.preconditions import Expectation
from tenant_config.platform.scopes import ADMIN
from tenant_config.platform.tenancy import Principal

BY = "catalog load"
LOADER = Principal(
    identity=BY,
    scopes=frozenset({ADMIN}),
    tenants=frozenset(),
    clients=frozenset(),
    partner_tenants=frozenset(),
    expires_at=0,
)
CONNECTOR_FIELDS = ("display_name", "description", "strict")

catalog_cli = AppGroup("catalog", help="The connector catalog: load definition files.")


@dataclass
class Outcome:
    """What loading one connector did (or, in a dry run, would do)."""

    connector: str = "unchanged"
    created: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)
    invalid_configs: int = 0

    def line(self, code: str) -> str:
        """Say what happened in one line."""
        text = (
            f"{code}: connector {self.connector}; parameters {len(self.created)} created, "
            f"{len(self.replaced)} replaced, {len(self.unchanged)} unchanged, "
            f"{len(self.kept)} kept"
        )
        if self.kept:
            text += f" (in the database, not in the file: {', '.join(sorted(self.kept))})"
        if self.invalid_configs:
            text += f"; {self.invalid_configs} stored config(s) do not satisfy them (forced)"
        return text


class _DryRun(Exception):
    """Roll a connector's transaction back once its outcome is known."""

    def __init__(self, outcome: Outcome):
        super().__init__("dry run")
        self.outcome = outcome


@catalog_cli.command("load")
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path, dir_okay=False))
@click.option("--dry-run", is_flag=True, help="Report what would change; change nothing.")
@click.option("--force", is_flag=True, help="Apply definitions that stored configs do not satisfy.")
def load(paths: tuple[Path, ...], dry_run: bool, force: bool) -> None:
    """Create or update connectors and their parameters from definition files.

    Without PATH, loads the definitions that ship with the service. Parameters in the
    database that a file does not name are kept (and reported).
    """
    try:
        documents = [read_definition(path) for path in paths] if paths else shipped_definitions()
    except DefinitionFileError as error:
        raise click.ClickException(" ".join(str(error).split())) from None
    codes = [document["code"] for document in documents]
    if twice := sorted({code for code in codes if codes.count(code) > 1}):
        raise click.ClickException(f"more than one file defines {', '.join(twice)}")
    failed = 0
    for document in documents:
        code = document["code"]
        try:
            outcome = _load(document, dry_run=dry_run, force=force)
        except _DryRun as done:
            outcome = done.outcome
        except InvalidatesConfigs as refused:
            failed += 1
            click.echo(f"{code}: not loaded: {_refusal(refused)}", err=True)
            continue
        except DomainError as error:
            failed += 1
            click.echo(f"{code}: not loaded: {error.detail}", err=True)
            continue
        click.echo(("(dry run) " if dry_run else "") + outcome.line(code))
    if dry_run:
        click.echo("Dry run: nothing changed.")
    if failed:
        raise click.ClickException(f"{failed} connector(s) not loaded; nothing of them changed")


def _refusal(refused: InvalidatesConfigs) -> str:
    configs = refused.extensions["invalidConfigs"]
    where = ", ".join(f"{c['integrationName']}/{c['name']} ({c['config']})" for c in configs)
    return (
        f"parameter {refused.parameter!r} would leave {len(configs)} stored config(s) unsatisfied "
        f"({where}); fix them or load with --force"
    )


@retried
def _load(document: dict[str, Any], *, dry_run: bool, force: bool) -> Outcome:
    """Load one connector in one transaction; a dry run rolls it back (raising _DryRun)."""
    code, outcome = document["code"], Outcome()
    with transaction():
        existing = find_connector(code)
        fields = {key: document[key] for key in CONNECTOR_FIELDS}
        if existing is None or any(getattr(existing, k) != v for k, v in fields.items()):
            expect = Expectation(
                if_match=None,
                version=None if existing is None else existing.version,
                required=False,
            )
            connectors.put_connector(principal=LOADER, code=code, data=fields, expect=expect)
            outcome.connector = "created" if existing is None else "replaced"
        stored = definitions_of(code)
        for wanted in document["parameters"]:
            _load_parameter(code, stored.get(wanted["name"]), wanted, outcome, force=force)
        outcome.kept = sorted(set(stored) - {p["name"] for p in document["parameters"]})
        if dry_run:
            raise _DryRun(outcome)
    return outcome


def _load_parameter(
    code: str, current: Any, wanted: dict[str, Any], outcome: Outcome, *, force: bool
) -> None:
    data = {key: wanted[key] for key in DEFINITION_FIELDS} | {"reason": wanted["reason"] or BY}
    name = wanted["name"]
    try:
        if current is None:
            change = parameters.create_parameter(
                principal=LOADER, connector=code, data=data, dry_run=False, force=force
            )
            outcome.created.append(name)
        elif current.definition() != {key: wanted[key] for key in DEFINITION_FIELDS}:
            expect = Expectation(if_match=None, version=current.version, required=False)
            change = parameters.replace_parameter(
                principal=LOADER,
                connector=code,
                name=name,
                data=data,
                expect=expect,
                dry_run=False,
                force=force,
            )
            outcome.replaced.append(name)
        else:
            outcome.unchanged.append(name)
            return
    except InvalidatesConfigs as refused:
        refused.parameter = name
        raise
    outcome.invalid_configs += len(change.invalid_configs)
