"""The connectors the service knows; a catalog table will replace the setting."""

from __future__ import annotations

from flask import current_app
from marshmallow import ValidationError


def known_connectors() -> tuple[str, ...]:
    """Return the connector codes integrations may use."""
    return current_app.config["TENANT_CONFIG"].connectors


def validate_connector(code: str) -> None:
    """Refuse a connector code the service does not know."""
    if code not in known_connectors():
        raise ValidationError(f"Unknown connector; one of: {', '.join(known_connectors())}.")
