"""Which stored configs a definition would leave unsatisfied, across a connector's integrations."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tenant_config.configs.models import Config
from tenant_config.integrations.models import Integration
from tenant_config.parameters import rules
from tenant_config.platform.database import db
from tenant_config.platform.errors import SecretUnreadable


@dataclass(frozen=True)
class InvalidConfig:
    """A stored config that does not satisfy a definition, and why (never its value)."""

    integration_id: uuid.UUID
    integration_name: str
    tenant: str
    config_id: uuid.UUID
    group: str
    name: str
    problems: list[str]
    newly: bool = True  # the definition replaced accepted it (or there was none)


def config_problems(definition: Mapping[str, Any], config: Config) -> list[str]:
    """Return what is wrong with a stored config under `definition` (its secret decrypted here)."""
    if definition["type"] == "secret" and not config.sensitive:
        return ["Stored in plain text: a secret must be sensitive."]
    try:
        value = config.reveal()
    except SecretUnreadable:
        return ["The stored secret cannot be read (its key is gone)."]
    return rules.value_problems(definition, value)


def invalid_configs(
    connector: str, definition: Mapping[str, Any], *, before: Mapping[str, Any] | None = None
) -> list[InvalidConfig]:
    """Return the stored configs of this name, in every integration of `connector`, it refuses.

    With `before` (the definition it replaces), each carries whether `before` accepted it.
    """
    configs = db.session.scalars(
        select(Config)
        .join(Config.integration)
        .where(Integration.connector == connector, Config.name == definition["name"])
        .order_by(Integration.name, Integration.id)
    )
    found = []
    for config in configs:
        if problems := config_problems(definition, config):
            integration = config.integration
            found.append(
                InvalidConfig(
                    integration.id,
                    integration.name,
                    integration.tenant,
                    config.id,
                    config.group,
                    config.name,
                    problems,
                    before is None or not config_problems(before, config),
                )
            )
    return found
