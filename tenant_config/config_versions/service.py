"""Reading the version history of an integration's configs, of one config, and diffs."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select

from tenant_config.config_versions import diff, queries
from tenant_config.config_versions.models import ConfigVersion
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.database import db
from tenant_config.platform.encryption.masking import Shown, shown_to
from tenant_config.platform.errors import NotFound
from tenant_config.platform.pagination import Page, paginate
from tenant_config.platform.tenancy import Principal, visible_to


def list_versions(
    *, principal: Principal, integration_id: uuid.UUID, args: Mapping[str, Any]
) -> Page:
    """Return one page of the history of an integration's configs, as the caller may see it.

    History outlives the integration: each row carries the integration's tenant keys, so the
    rows decide who reads them, by the same rule as the integration did.
    """
    query = select(ConfigVersion).where(
        ConfigVersion.integration_id == integration_id, visible_to(principal, ConfigVersion)
    )
    if db.session.scalar(query.with_only_columns(ConfigVersion.id).limit(1)) is None:
        # No history yet: the integration must exist and be the caller's (else 404).
        get_integration(principal=principal, integration_id=integration_id)
    for name in ("group", "name"):
        if args.get(name) is not None:
            query = query.where(getattr(ConfigVersion, name) == args[name])
    page = paginate(query, args=args, columns=queries.SORT_COLUMNS, tiebreak=ConfigVersion.id)
    return page.map(lambda row: shown_to(principal, row))


def list_config_versions(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    config_id: uuid.UUID,
    args: Mapping[str, Any],
) -> Page:
    """Return one page of one config's history (also once deleted), as the caller may see it."""
    history = queries.config_history(
        principal=principal, integration_id=integration_id, config_id=config_id
    )
    page = paginate(history, args=args, columns=queries.SORT_COLUMNS, tiebreak=ConfigVersion.id)
    if page.total == 0:  # every config has its CREATE row: none visible, no such config
        raise NotFound("The config does not exist.")
    return page.map(lambda row: shown_to(principal, row))


def get_config_version(
    *, principal: Principal, integration_id: uuid.UUID, config_id: uuid.UUID, version: int
) -> Shown:
    """Return a config exactly as it was at one version, as the caller may see it."""
    row = queries.get_version(
        principal=principal, integration_id=integration_id, config_id=config_id, version=version
    )
    return shown_to(principal, row)


def diff_versions(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    config_id: uuid.UUID,
    from_version: int,
    to_version: int | None,
) -> dict[str, Any]:
    """Return what differs between two versions of a config (`to`: the latest by default).

    The answer's `revealed` tells whether it shows a sensitive value in plain text.
    """
    where = {"principal": principal, "integration_id": integration_id, "config_id": config_id}
    if to_version is None:
        to_version = queries.latest_version(**where)
    old = queries.get_version(**where, version=from_version)
    new = queries.get_version(**where, version=to_version)
    changes, revealed = diff.changes(principal, old, new)
    return {
        "config": config_id,
        "from": from_version,
        "to": to_version,
        "fromChange": old,
        "toChange": new,
        "changes": changes,
        "revealed": revealed,
    }
