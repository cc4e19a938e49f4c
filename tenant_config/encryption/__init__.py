"""Sensitive values encrypted at rest with Fernet keys from TENANT_CONFIG_FERNET_KEYS."""

from __future__ import annotations

from flask import Flask, Response, g

from tenant_config.encryption.column import KEYRING
from tenant_config.encryption.keyring import Keyring
from tenant_config.settings import Settings

MASK = "********"


def init_encryption(app: Flask, settings: Settings) -> None:
    """Give the app its keyring (the development key when none is configured in development)."""
    keys = settings.fernet_keys
    if not keys and settings.development:
        keys = (settings.dev_fernet_key_path.read_text().strip(),)
    app.extensions[KEYRING] = Keyring(keys)
    app.after_request(_no_store_revealed)


def mark_revealed() -> None:
    """Note that the answer carries a secret in plain text: no cache may keep it."""
    g.revealed_secret = True


def _no_store_revealed(response: Response) -> Response:
    if g.get("revealed_secret"):
        response.headers["Cache-Control"] = "no-store"
    return response
