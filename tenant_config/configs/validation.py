"""The completeness report: an integration's configs held against its connector's definitions."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import select

from tenant_config.configs.models import Config
from tenant_config.connectors.queries import get_connector
from tenant_config.integrations.queries import get_integration
from tenant_config.parameters.impact import config_problems
from tenant_config.parameters.queries import definitions_of
from tenant_config.platform.database import db
from tenant_config.platform.tenancy import Principal


def validation_report(*, principal: Principal, integration_id: uuid.UUID) -> dict[str, Any]:
    """Return what an integration's configs lack or break under its connector's definitions.

    `missing`: required parameters with neither a config nor a default (a default serves the
    connector). `invalid`: stored configs their definition refuses now, secrets checked here
    and never shown. `undefined`, for a strict connector only: configs it defines no
    parameter for.
    """
    integration = get_integration(principal=principal, integration_id=integration_id)
    connector = get_connector(integration.connector)
    definitions = definitions_of(connector.code)
    configs = db.session.scalars(
        select(Config)
        .where(Config.integration_id == integration.id)
        .order_by(Config.group, Config.name, Config.id)
    ).all()
    stored = {config.name for config in configs}
    missing = [
        {"group": parameter.group, "name": parameter.name, "label": parameter.label}
        for parameter in sorted(definitions.values(), key=lambda p: (p.group, p.name))
        if parameter.required and parameter.default is None and parameter.name not in stored
    ]
    invalid = []
    for config in configs:
        if config.name in definitions:
            problems = config_problems(definitions[config.name].definition(), config)
            if problems:
                invalid.append(_named(config) | {"problems": problems})
    report = {
        "integration": integration.id,
        "connector": connector.code,
        "strict": connector.strict,
        "missing": missing,
        "invalid": invalid,
    }
    if connector.strict:
        report["undefined"] = [_named(c) for c in configs if c.name not in definitions]
    report["valid"] = not (missing or invalid or report.get("undefined"))
    return report


def _named(config: Config) -> dict[str, Any]:
    return {"config": config.id, "group": config.group, "name": config.name}
