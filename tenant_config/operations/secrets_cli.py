"""`flask --app wsgi secrets status|rotate`: key usage and key rotation."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.configs.models import Config
from tenant_config.platform.encryption import rotation
from tenant_config.platform.encryption.column import keyring

ENCRYPTED_TABLES: rotation.EncryptedTables = {
    "configs": (Config.__table__, "id"),
    "history": (ConfigVersion.__table__, "tenant_config_id"),
}
secrets_cli = AppGroup("secrets", help="Encrypted sensitive values: key usage and rotation.")


@secrets_cli.command("status")
def status() -> None:
    """Print, per key id, how many config and history ciphertexts it made."""
    ring, usage = keyring(), rotation.key_usage(ENCRYPTED_TABLES)
    ids = list(ring.ids) + sorted(set().union(*usage.values()) - set(ring.ids))
    click.echo(f"{'key id':<14}{'configs':>9}{'history':>9}  state")
    missing, stale = 0, 0
    for key in ids:
        configs, history = usage["configs"][key], usage["history"][key]
        if key == ring.primary_id:
            state = "primary (encrypts)"
        elif key in ring.ids:
            state = "configured (decrypts only)"
            stale += configs + history
        else:
            state = "NOT CONFIGURED: these values cannot be read"
            missing += configs + history
        click.echo(f"{key:<14}{configs:>9}{history:>9}  {state}")
    if missing:
        raise click.ClickException(
            f"{missing} ciphertexts were made by keys that are not configured; add those keys "
            "back to TENANT_CONFIG_FERNET_KEYS (after the primary) and run `secrets rotate`"
        )
    click.echo(
        f"{stale} ciphertexts not made by the primary key; run `secrets rotate`"
        if stale
        else "every ciphertext was made by the primary key"
    )


@secrets_cli.command("rotate")
@click.option("--batch-size", default=500, show_default=True, type=click.IntRange(1, 10000))
def rotate(batch_size: int) -> None:
    """Re-encrypt with the primary key every ciphertext it did not make (safe to re-run)."""
    click.echo(f"primary key: {keyring().primary_id}")
    failed = 0
    for table, count in rotation.rotate_all(ENCRYPTED_TABLES, batch_size=batch_size).items():
        unreadable = ", ".join(f"{key}: {n}" for key, n in sorted(count.unreadable.items()))
        click.echo(
            f"{table}: rotated {count.rotated}, changed meanwhile {count.skipped}, "
            f"unreadable {sum(count.unreadable.values())}"
            + (f" ({unreadable})" if unreadable else "")
        )
        failed += sum(count.unreadable.values())
    if failed:
        raise click.ClickException(
            f"{failed} ciphertexts could not be read (key not configured, or refused); they are "
            "unchanged and logged"
        )
