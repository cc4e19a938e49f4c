"""Reads of the connector catalog that other resources share."""

from __future__ import annotations

from sqlalchemy import select

from tenant_config.connectors.models import Connector
from tenant_config.platform.database import db
from tenant_config.platform.errors import NotFound, ValidationFailed

SORT_COLUMNS = {
    "id": Connector.id,
    "version": Connector.version,
    "createdAt": Connector.created_at,
    "updatedAt": Connector.updated_at,
    "code": Connector.code,
    "displayName": Connector.display_name,
    "strict": Connector.strict,
}


def find_connector(code: str, *, lock: str | None = None) -> Connector | None:
    """Return the connector of this code, or None; `lock` "share" or "update" locks its row."""
    query = select(Connector).where(Connector.code == code)
    if lock is not None:
        query = query.with_for_update(read=lock == "share")
    return db.session.scalar(query)


def get_connector(code: str, *, lock: str | None = None) -> Connector:
    """Return the connector of this code; a code the catalog lacks is NotFound."""
    if (connector := find_connector(code, lock=lock)) is None:
        raise NotFound("The connector does not exist.")
    return connector


def require_known(code: str) -> Connector:
    """Return the connector a new integration names, share-locked; an unknown one is 422."""
    if (connector := find_connector(code, lock="share")) is None:
        known = db.session.scalars(select(Connector.code).order_by(Connector.code)).all()
        raise ValidationFailed(
            "Unknown connector.", errors={"connector": [f"One of: {', '.join(known)}."]}
        )
    return connector
