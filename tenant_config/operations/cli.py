"""Operator commands: `flask --app wsgi dev-token`, `flask --app wsgi secrets ...`."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from tenant_config.operations.devkeys import issue_dev_token
from tenant_config.operations.secrets_cli import secrets_cli
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


@click.command("dev-token")
@click.option("--scope", "scopes", multiple=True, help="Scope to grant (repeatable).")
@click.option("--tenant", "tenants", multiple=True, help="Tenant id the caller may see.")
@click.option("--client", "clients", multiple=True, help="Client id the caller may see.")
@click.option("--partner-tenant", "partner_tenants", multiple=True, help="CONNECTOR:partnerTenant.")
@click.option("--admin", is_flag=True, help="Add ConnTenantConfigApi:Admin (sees every tenant).")
@click.option("--sensitive", is_flag=True, help="Add ...:TenantConfig:ReadSensitive.")
@click.option("--subject", default="developer@example.com", show_default=True)
@click.option(
    "--ttl", "ttl_seconds", default=3600, show_default=True, type=click.IntRange(1, 86400)
)
@click.option("--print-curl", is_flag=True, help="Print a ready-to-paste curl command.")
@with_appcontext
def dev_token(
    scopes, tenants, clients, partner_tenants, admin, sensitive, subject, ttl_seconds, print_curl
):
    """Print an access token signed with the development key (development only)."""
    settings = current_app.config["TENANT_CONFIG"]
    if not settings.development or not settings.dev_signing_key_path.exists():
        raise click.ClickException(
            f"no development key at {settings.dev_signing_key_path}; "
            "dev-token works only with TENANT_CONFIG_ENV=development (make run sets it)"
        )
    granted = list(scopes or DEFAULT_SCOPES)
    granted += [ADMIN] if admin else []
    granted += [CONFIG_READ_SENSITIVE] if sensitive else []
    token = issue_dev_token(
        settings,
        subject=subject,
        scopes=granted,
        tenants=list(tenants or ([] if admin else [EXAMPLE_TENANT])),
        clients=list(clients),
        partner_tenants=list(partner_tenants),
        ttl_seconds=ttl_seconds,
    )
    if not print_curl:
        click.echo(token)
        return
    click.echo("A development token (1 hour) for tenant " + EXAMPLE_TENANT + ":\n")
    click.echo(
        f"  curl -H 'Authorization: Bearer {token}' http://127.0.0.1:8080/tenantintegrations\n"
    )
    click.echo("More: flask --app wsgi dev-token --help   Docs: http://127.0.0.1:8080/docs\n")


def register_cli(app: Flask) -> None:
    """Add the operator commands to `flask`."""
    app.cli.add_command(dev_token)
    app.cli.add_command(secrets_cli)
