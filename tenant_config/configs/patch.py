"""Merge patches (RFC 7396) of a config: merged onto the stored fields, then applied as a PUT."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from tenant_config.configs import queries, service
from tenant_config.configs.models import Config
from tenant_config.platform.database import retried, transaction
from tenant_config.platform.encryption.masking import MASK, Shown
from tenant_config.platform.preconditions import Expectation
from tenant_config.platform.tenancy import Principal


def merged(config: Config, patch: Mapping[str, Any]) -> dict[str, Any]:
    """Return the body of a PUT that makes `config` what `patch` asks for.

    A stored secret is carried as the mask, which keeps it (and turns a plain value sensitive
    when the patch says so): the patch never needs the secret, nor the right to read it.
    """
    stored = {key: getattr(config, key) for key in service.CONFIG_FIELDS}
    stored |= {"sensitive": config.sensitive, "value": MASK if config.sensitive else config.value}
    return stored | dict(patch)


@retried
def patch_config(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    config_id: uuid.UUID,
    patch: Mapping[str, Any],
    expect: Expectation,
) -> Shown:
    """Apply a merge patch to a config by the rules of a replacement; record an UPDATE version."""
    with transaction():
        config = queries.get_config(
            principal=principal, integration_id=integration_id, config_id=config_id, for_write=True
        )
        return service.update_config(
            principal=principal,
            integration_id=integration_id,
            config_id=config_id,
            data=merged(config, patch),
            expect=expect,
        )
