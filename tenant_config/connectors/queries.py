"""Reads of the connector catalog that other resources share."""

from __future__ import annotations

from marshmallow import ValidationError
from sqlalchemy import select

from tenant_config.connectors.models import Connector
from tenant_config.platform.database import db
from tenant_config.platform.errors import NotFound

SORT_COLUMNS = {
    "id": Connector.id,
    "version": Connector.version,
    "createdAt": Connector.created_at,
    "updatedAt": Connector.updated_at,
    "code": Connector.code,
    "displayName": Connector.display_name,
    "strict": Connector.strict,
}


def find_connector(code: str) -> Connector | None:
    """Return the connector of this code, or None."""
    return db.session.scalar(select(Connector).where(Connector.code == code))


def get_connector(code: str) -> Connector:
    """Return the connector of this code; a code the catalog lacks is NotFound."""
    if (connector := find_connector(code)) is None:
        raise NotFound("The connector does not exist.")
    return connector


def validate_connector(code: str) -> None:
    """Refuse a connector code the catalog does not hold (a field validator)."""
    if find_connector(code) is None:
        known = db.session.scalars(select(Connector.code).order_by(Connector.code)).all()
        raise ValidationError(f"Unknown connector; one of: {', '.join(known)}.")
