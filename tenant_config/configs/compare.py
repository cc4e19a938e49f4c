"""Comparing the configs of two integrations by name, before copying a tested set to production."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from tenant_config.configs.models import Config
from tenant_config.integrations.models import Integration
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.database import db
from tenant_config.platform.tenancy import Principal

COMPARED = ("group", "label", "description", "sensitive")


@dataclass
class Comparison:
    """What differs between two integrations' configs, and whether a secret is shown."""

    document: dict[str, Any]
    revealed: bool


def compare_configs(
    *, principal: Principal, integration_id: uuid.UUID, other_id: uuid.UUID
) -> Comparison:
    """Compare the configs of two integrations the caller may see, name by name.

    Secrets are compared only for a caller who may read them: for anyone else an answer
    that two secrets agree would confirm a guess written into one of them, so their values
    are reported as not compared.
    """
    here = _configs(get_integration(principal=principal, integration_id=integration_id))
    there = _configs(get_integration(principal=principal, integration_id=other_id))
    may_read = principal.may_read_sensitive()
    different, same, revealed = [], [], False
    for name in sorted(here.keys() & there.keys()):
        a, b = here[name], there[name]
        changes = [
            {"field": field, "here": getattr(a, field), "there": getattr(b, field)}
            for field in COMPARED
            if getattr(a, field) != getattr(b, field)
        ]
        if (a.sensitive or b.sensitive) and not may_read:
            changes.append({"field": "value", "compared": False})
        elif (value_here := a.reveal()) != (value_there := b.reveal()):
            changes.append({"field": "value", "here": value_here, "there": value_there})
            revealed = revealed or a.sensitive or b.sensitive
        if changes:
            different.append({"name": name, "changes": changes})
        else:
            same.append(name)
    document = {
        "integration": integration_id,
        "with": other_id,
        "onlyHere": _named(here, here.keys() - there.keys()),
        "onlyThere": _named(there, there.keys() - here.keys()),
        "different": different,
        "same": same,
    }
    return Comparison(document, revealed)


def _configs(integration: Integration) -> dict[str, Config]:
    rows = db.session.scalars(select(Config).where(Config.integration_id == integration.id))
    return {config.name: config for config in rows}


def _named(configs: dict[str, Config], names: set[str]) -> list[dict[str, str]]:
    return [{"name": name, "group": configs[name].group} for name in sorted(names)]
