"""Operator commands: `flask --app wsgi dev-token`, `secrets ...`, `catalog ...`."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from urllib.parse import quote

import click
from flask import Flask, current_app
from flask.cli import with_appcontext
from joserfc import jws

from tenant_config.operations.catalog_cli import catalog_cli
from tenant_config.operations.devkeys import issue_dev_token
from tenant_config.operations.secrets_cli import secrets_cli
from tenant_config.operations.serving import bind_setting, curl_target
from tenant_config.platform.scopes import (
    ADMIN,
    CONFIG_READ,
    CONFIG_READ_SENSITIVE,
    CONFIG_WRITE,
    INTEGRATION_READ,
    INTEGRATION_WRITE,
    VERSION_READ,
)

DEFAULT_SCOPES = (
    INTEGRATION_READ,
    INTEGRATION_WRITE,
    CONFIG_READ,
    CONFIG_WRITE,
    VERSION_READ,
)
EXAMPLE_TENANT = "1a855cf0-d29b-4fb2-a238-abd2c0d03856"
# What a reader of this repository can type, inside or outside the virtualenv.
MORE_TOKENS = 'make token ARGS="--help"'


def _partner_tenant(_ctx, _param, values: tuple[str, ...]) -> tuple[str, ...]:
    for value in values:
        connector, _, partner_tenant = value.partition(":")
        if not connector or not partner_tenant:
            raise click.BadParameter(f"{value!r} is not CONNECTOR:partnerTenant")
    return values


@click.command("dev-token")
@click.option("--scope", "scopes", multiple=True, help="Scope to grant (repeatable).")
@click.option("--tenant", "tenants", multiple=True, help="Tenant id the caller may see.")
@click.option("--client", "clients", multiple=True, help="Client id the caller may see.")
@click.option(
    "--partner-tenant",
    "partner_tenants",
    multiple=True,
    callback=_partner_tenant,
    help="CONNECTOR:partnerTenant the caller may see (a connector's token).",
)
@click.option("--admin", is_flag=True, help="Add ConnTenantConfigApi:Admin (sees every tenant).")
@click.option("--sensitive", is_flag=True, help="Add ...:TenantConfig:ReadSensitive.")
@click.option("--subject", default="developer@example.com", show_default=True)
@click.option(
    "--ttl", "ttl_seconds", default=3600, show_default=True, type=click.IntRange(1, 86400)
)
@click.option("--print-curl", is_flag=True, help="Describe the token and print a curl using it.")
@with_appcontext
def dev_token(
    scopes, tenants, clients, partner_tenants, admin, sensitive, subject, ttl_seconds, print_curl
):
    """Print an access token signed with the development key (development only).

    Without --tenant, --client, --partner-tenant or --admin it is for the example tenant.
    """
    settings = current_app.config["TENANT_CONFIG"]
    if not settings.development or not settings.dev_signing_key_path.exists():
        raise click.ClickException(
            f"no development key at {settings.dev_signing_key_path}; "
            "dev-token works only with TENANT_CONFIG_ENV=development (make run sets it)"
        )
    granted = list(scopes or DEFAULT_SCOPES)
    granted += [ADMIN] if admin else []
    granted += [CONFIG_READ_SENSITIVE] if sensitive else []
    anyone = tenants or clients or partner_tenants or admin
    token = issue_dev_token(
        settings,
        subject=subject,
        scopes=granted,
        tenants=list(tenants if anyone else [EXAMPLE_TENANT]),
        clients=list(clients),
        partner_tenants=list(partner_tenants),
        ttl_seconds=ttl_seconds,
    )
    if print_curl:
        click.echo(describe(token))
    else:
        click.echo(token)


def describe(token: str) -> str:
    """Say what `token` grants, from its own claims, and how to use it against this server."""
    claims = json.loads(jws.extract_compact(token.encode()).payload)
    scopes = claims["scope"].split()
    ttl = claims["exp"] - claims["iat"]
    until = datetime.fromtimestamp(claims["exp"], UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    options, base = curl_target(bind_setting(os.environ))
    lines = [
        f"A development token for {claims['sub']}, valid for {duration(ttl)} (until {until}):",
        f"  tenants:          {' '.join(claims['tenants']) or 'none'}",
        f"  clients:          {' '.join(claims['clients']) or 'none'}",
        f"  partner tenants:  {' '.join(claims['partner_tenants']) or 'none'}",
        f"  admin:            {'yes (sees every tenant)' if ADMIN in scopes else 'no'}",
        "  sensitive values: "
        + ("revealed" if CONFIG_READ_SENSITIVE in scopes else "masked (--sensitive reveals them)"),
        f"  scopes:           {' '.join(scopes)}",
        "",
        f"  curl {options}-H 'Authorization: Bearer {token}' {base}{example_path(claims)}",
        "",
        f"Another token: {MORE_TOKENS}   Docs: {base}/docs   Admin UI: {base}/ui/",
    ]
    return "\n".join(lines)


def example_path(claims: dict) -> str:
    """Return a path the token can read: a connector's lookup, else the integrations."""
    if claims["partner_tenants"] and not (claims["tenants"] or claims["clients"]):
        connector, _, partner_tenant = (
            quote(part, safe="") for part in claims["partner_tenants"][0].partition(":")
        )
        return f"/connectors/{connector}/partnertenants/{partner_tenant}/configs"
    return "/tenantintegrations"


def duration(seconds: int) -> str:
    """Return `seconds` in words: `1 hour`, `10 minutes`, `1 minute 30 seconds`."""
    parts = []
    for unit, size in (("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'s' if count > 1 else ''}")
    return " ".join(parts)


def register_cli(app: Flask) -> None:
    """Add the operator commands to `flask`."""
    app.cli.add_command(dev_token)
    app.cli.add_command(secrets_cli)
    app.cli.add_command(catalog_cli)
