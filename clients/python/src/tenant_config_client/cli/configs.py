"""`tcfg configs list|get|set|delete`, and a config's `history`, `diff` and `restore`."""

from __future__ import annotations

from typing import IO, Any

import click

from tenant_config_client.cli.app import State, pass_state, tcfg
from tenant_config_client.cli.exits import NOT_FOUND, CliError
from tenant_config_client.cli.output import emit
from tenant_config_client.cli.session import Config

MASK = "********"

CONFIG_FIELDS = ("id", "group", "name", "value", "sensitive", "label", "version", "updatedAt")
HISTORY_COLUMNS = ("version", "operation", "value", "sensitive", "updatedBy", "updatedAt",
                   "reason", "restoredFrom")  # fmt: skip
ARGV_REFUSED = (
    "a sensitive value is not taken from the command line (other users see it in the process"
    " list, and it stays in shell history): leave out --value to be prompted, use"
    " --value-file - to read it from stdin, or add --i-know-argv-is-visible"
)

integration_argument = click.argument("integration")
group_argument = click.argument("group")
name_argument = click.argument("name")
reason_option = click.option("--reason", help="Why: kept in the config's history.")


def show_config(state: State, config: dict[str, Any], *, mask: bool = False) -> None:
    """Print one config: every field as JSON or YAML, the main ones as a table."""
    if mask and config.get("sensitive") and config.get("value") is not None:
        config = config | {"value": MASK}  # the secret just typed is not printed back
    rows = [{"field": key, "value": config.get(key)} for key in CONFIG_FIELDS]
    emit(state.output, config, ("field", "value"), rows)


def _live_config(state: State, integration: str, group: str, name: str) -> tuple[dict, Config]:
    found = state.session.integration(integration)
    return found, state.session.config(found, group, name)


@tcfg.group()
def configs() -> None:
    """List, read, write and delete the configs of an integration (by its name or id)."""


@configs.command("list")
@integration_argument
@click.option("--group", help="Only this group.")
@pass_state
def list_configs(state: State, integration: str, group: str | None) -> None:
    """List the configs of INTEGRATION (secrets masked unless your token may read them)."""
    found = state.session.integration(integration)
    params = {"group": group} if group else {}
    items = list(state.session.pages(f"/tenantintegrations/{found['id']}/configs", params))
    items.sort(key=lambda item: (item["group"] or "", item["name"]))
    emit(state.output, items, ("group", "name", "value", "sensitive", "version", "updatedAt"))


@configs.command("get")
@integration_argument
@group_argument
@name_argument
@pass_state
def get_config(state: State, integration: str, group: str, name: str) -> None:
    """Show the config GROUP NAME of INTEGRATION."""
    found, config = _live_config(state, integration, group, name)
    if config.live is None:
        raise CliError(f"{group}/{name} was deleted: `tcfg history` shows it", NOT_FOUND)
    show_config(state, state.session.call("GET", state.session.config_path(found, config)))


@configs.command("set")
@integration_argument
@group_argument
@name_argument
@click.option("--value", help="The value (prompted for when left out).")
@click.option(
    "--value-file",
    type=click.File("r", encoding="utf-8"),
    help="Read the value from a file ('-': stdin); one final newline is dropped.",
)
@click.option(
    "--sensitive/--not-sensitive",
    default=None,
    help="Encrypt the value and mask it in answers. Default: as it is, else not.",
)
@click.option(
    "--i-know-argv-is-visible", "argv_ok", is_flag=True, help="Accept a sensitive --value."
)
@reason_option
@pass_state
def set_config(
    state: State,
    integration: str,
    group: str,
    name: str,
    value: str | None,
    value_file: IO[str] | None,
    sensitive: bool | None,
    argv_ok: bool,
    reason: str | None,
) -> None:
    """Create the config GROUP NAME of INTEGRATION, or replace it as it is now."""
    if value is not None and value_file is not None:
        raise click.UsageError("give --value or --value-file, not both")
    found = state.session.integration(integration)
    config = state.session.find_config(found, group, name)
    current = config.live if config else None
    if sensitive is None:
        sensitive = bool(current and current["sensitive"])
    if value_file is not None:
        value = value_file.read().removesuffix("\n")
    elif value is not None and sensitive and not argv_ok:
        raise click.UsageError(ARGV_REFUSED)
    elif value is None:
        value = click.prompt(
            f"Value of {group}/{name}", hide_input=sensitive, confirmation_prompt=sensitive
        )
    body: dict[str, Any] = {"group": group, "name": name, "value": value, "sensitive": sensitive}
    if reason:
        body["reason"] = reason
    path = f"/tenantintegrations/{found['id']}/configs"
    if config is None or current is None:
        written = state.session.call("POST", path, json=body)
    else:
        kept = {key: current[key] for key in ("label", "description") if current.get(key)}
        body |= kept | {"version": current["version"]}
        written = state.session.call("PUT", state.session.config_path(found, config), json=body)
    show_config(state, written, mask=True)


@configs.command("delete")
@integration_argument
@group_argument
@name_argument
@reason_option
@pass_state
def delete_config(
    state: State, integration: str, group: str, name: str, reason: str | None
) -> None:
    """Delete the config GROUP NAME of INTEGRATION (its history stays; `restore` undeletes)."""
    found, config = _live_config(state, integration, group, name)
    if config.live is None:
        raise CliError(f"{group}/{name} is deleted already", NOT_FOUND)
    body = {"version": config.live["version"]} | ({"reason": reason} if reason else {})
    state.session.call("DELETE", state.session.config_path(found, config), json=body)
    click.echo(f"deleted {group}/{name} (version {config.live['version']})", err=True)


@tcfg.command()
@integration_argument
@group_argument
@name_argument
@pass_state
def history(state: State, integration: str, group: str, name: str) -> None:
    """List every version of the config GROUP NAME, newest first (deleted ones too)."""
    found, config = _live_config(state, integration, group, name)
    rows = list(state.session.pages(f"{state.session.config_path(found, config)}/versions"))
    emit(state.output, rows, HISTORY_COLUMNS)


@tcfg.command()
@integration_argument
@group_argument
@name_argument
@click.argument("from_version", metavar="FROM", type=click.IntRange(0))
@click.argument("to_version", metavar="[TO]", type=click.IntRange(0), required=False)
@pass_state
def diff(
    state: State, integration: str, group: str, name: str, from_version: int, to_version: int | None
) -> None:
    """Show what changed in the config GROUP NAME from version FROM to TO (the latest)."""
    found, config = _live_config(state, integration, group, name)
    params = {"from": str(from_version)} | (
        {"to": str(to_version)} if to_version is not None else {}
    )
    answer = state.session.call(
        "GET", f"{state.session.config_path(found, config)}/diff", params=params
    )
    rows = [
        change
        if "from" in change or "to" in change
        else change | {"from": "(hidden)", "to": "(hidden)"}
        for change in answer["changes"]
    ]
    title = f"{group}/{name}: version {answer['from']} -> {answer['to']}"
    emit(state.output, answer, ("field", "from", "to"), rows, title)


@tcfg.command()
@integration_argument
@group_argument
@name_argument
@click.argument("version", type=click.IntRange(0))
@reason_option
@pass_state
def restore(
    state: State, integration: str, group: str, name: str, version: int, reason: str | None
) -> None:
    """Write version VERSION of the config GROUP NAME back as its next version (or undelete it)."""
    found, config = _live_config(state, integration, group, name)
    body: dict[str, Any] = {"version": version}
    if config.live is not None:
        body["expectedVersion"] = config.live["version"]
    if reason:
        body["reason"] = reason
    path = f"{state.session.config_path(found, config)}/restore"
    show_config(state, state.session.call("POST", path, json=body))
