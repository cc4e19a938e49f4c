"""Exports: every config of an integration, as a batch of creates that another one can import."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tenant_config.configs.models import Config
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.clock import utcnow
from tenant_config.platform.database import db
from tenant_config.platform.encryption.masking import shown_to
from tenant_config.platform.tenancy import Principal


@dataclass
class Export:
    """The export document, and whether it reveals a secret."""

    document: dict[str, Any]
    revealed: bool


def export_configs(*, principal: Principal, integration_id: uuid.UUID) -> Export:
    """Return every config of an integration as creates, secrets left out unless readable.

    A left-out secret is marked `valueOmitted`, which the batch refuses: an import can never
    store the mask, or nothing, in place of a secret.
    """
    integration = get_integration(principal=principal, integration_id=integration_id)
    configs = db.session.scalars(
        select(Config)
        .where(Config.integration_id == integration.id)
        .order_by(Config.group, Config.name)
    ).all()
    operations, revealed = [], False
    for config in configs:
        shown = shown_to(principal, config)
        body = {
            "group": config.group,
            "name": config.name,
            "label": config.label,
            "description": config.description,
            "sensitive": config.sensitive,
        }
        if config.sensitive and not shown.revealed:
            body["valueOmitted"] = True
        else:
            body["value"] = shown.value
        revealed = revealed or shown.revealed
        operations.append({"op": "create", "body": body})
    document = {"operations": operations, "exportedFrom": integration.id, "exportedAt": utcnow()}
    return Export(document, revealed)
