"""`tcfg integrations list`, `export`, `import`, `compare`, and `lookup` as a connector."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click
import yaml

from tenant_config_client.cli.app import State, pass_state, tcfg
from tenant_config_client.cli.exits import INPUT, CliError
from tenant_config_client.cli.output import emit
from tenant_config_client.client import TenantConfigClient


@tcfg.group()
def integrations() -> None:
    """The integrations your token may see."""


@integrations.command("list")
@click.option("--connector", help="Only this connector's.")
@click.option("--tenant", help="Only this tenant's.")
@click.option("--partner-tenant", help="Only this partner tenant's.")
@click.option("--name", help="Only those of exactly this name.")
@pass_state
def list_integrations(
    state: State,
    connector: str | None,
    tenant: str | None,
    partner_tenant: str | None,
    name: str | None,
) -> None:
    """List integrations, filtered by connector, tenant, partner tenant or name."""
    filters = {
        "connector": connector,
        "tenant": tenant,
        "partnerTenant": partner_tenant,
        "name": name,
    }
    params = {key: value for key, value in filters.items() if value is not None}
    items = list(state.session.pages("/tenantintegrations", params))
    emit(state.output, items, ("name", "connector", "partnerTenant", "tenant", "id", "version"))


@tcfg.command("export")
@click.argument("integration")
@pass_state
def export_configs(state: State, integration: str) -> None:
    """Print every config of INTEGRATION as an importable document (JSON unless -o yaml).

    Secrets are exported only when your token may read them; otherwise they are left out
    and marked `valueOmitted`, and such a document cannot be imported.
    """
    found = state.session.integration(integration)
    document = state.session.call("GET", f"/tenantintegrations/{found['id']}/configs/export")
    emit("yaml" if state.output == "yaml" else "json", document)


@tcfg.command("import")
@click.argument("integration")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, allow_dash=True))
@click.option(
    "--on-conflict",
    type=click.Choice(("abort", "skip", "overwrite")),
    default="abort",
    show_default=True,
    help="Names INTEGRATION has already: change nothing at all, keep them, or overwrite them.",
)
@click.option("--reason", help="Why: kept in each config's history.")
@pass_state
def import_configs(
    state: State, integration: str, file: str, on_conflict: str, reason: str | None
) -> None:
    """Write the configs of FILE (what `tcfg export` printed) into INTEGRATION, all or none."""
    document = _read_document(file)
    if reason:
        document["reason"] = reason
    found = state.session.integration(integration)
    answer = state.session.call(
        "POST",
        f"/tenantintegrations/{found['id']}/configs/batch",
        params={"onConflict": on_conflict},
        json=document,
    )
    rows = [
        {"index": result["index"], "op": result["op"], "outcome": result["outcome"]}
        | {key: (result.get("config") or {}).get(key) for key in ("group", "name", "version")}
        for result in answer["results"]
    ]
    emit(state.output, answer, ("index", "op", "outcome", "group", "name", "version"), rows)


def _read_document(file: str) -> dict[str, Any]:
    """The batch document in FILE: JSON, or YAML when the name ends so."""
    with click.open_file(file, encoding="utf-8") as stream:
        text = stream.read()
    try:
        yaml_file = Path(file).suffix in (".yaml", ".yml")
        document = yaml.safe_load(text) if yaml_file else json.loads(text)
    except (ValueError, yaml.YAMLError) as error:
        raise CliError(f"{file} is not a document `tcfg export` writes: {error}", INPUT) from None
    if not isinstance(document, dict) or not isinstance(document.get("operations"), list):
        raise CliError(f"{file} holds no list of `operations` (write it with `tcfg export`)", INPUT)
    return document


@tcfg.command()
@click.argument("integration")
@click.argument("other")
@pass_state
def compare(state: State, integration: str, other: str) -> None:
    """Compare the configs of INTEGRATION (here) with those of OTHER (there), name by name."""
    here = state.session.integration(integration)
    there = state.session.integration(other)
    answer = state.session.call(
        "GET", f"/tenantintegrations/{here['id']}/configs/compare", params={"with": there["id"]}
    )
    rows = [
        *(item | {"state": "only here"} for item in answer["onlyHere"]),
        *(item | {"state": "only there"} for item in answer["onlyThere"]),
        *(
            item | {"state": "different", "changes": ", ".join(map(_change, item["changes"]))}
            for item in answer["different"]
        ),
        *({"name": name, "state": "same"} for name in answer["same"]),
    ]
    emit(state.output, answer, ("state", "group", "name", "changes"), rows)


def _change(change: dict[str, Any]) -> str:
    if "here" not in change:
        return f"{change['field']} (not compared)"
    return f"{change['field']}: {change['here']!r} -> {change['there']!r}"


@tcfg.command()
@click.argument("connector")
@click.argument("partner_tenant")
@click.option("--group", help="Only this group.")
@pass_state
def lookup(state: State, connector: str, partner_tenant: str, group: str | None) -> None:
    """Read a partner tenant's configuration as CONNECTOR does: defaults filled, values typed."""
    session = state.session
    with TenantConfigClient(
        session.url, session.tokens, backoff=session.backoff, timeout=session.timeout
    ) as client:
        result = client.get(connector, partner_tenant, group)
    rows = [
        {"group": group_name, "name": name, "value": value}
        for group_name, values in sorted(result.items())
        for name, value in sorted(values.items())
    ]
    emit(state.output, result, ("group", "name", "value"), rows)
