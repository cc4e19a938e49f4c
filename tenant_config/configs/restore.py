"""Restore and undelete: a past version of a config becomes its new latest version."""

from __future__ import annotations

import dataclasses
import uuid

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tenant_config.config_versions import queries as history
from tenant_config.config_versions.recorder import record_restore
from tenant_config.configs.definitions import check_restore
from tenant_config.configs.models import Config
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.database import LostRace, db, retried, transaction
from tenant_config.platform.encryption.masking import Shown, shown_to
from tenant_config.platform.errors import Duplicate
from tenant_config.platform.preconditions import Expectation
from tenant_config.platform.tenancy import Principal


@retried
def restore_config(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    config_id: uuid.UUID,
    version: int,
    expect: Expectation,
    reason: str | None = None,
) -> Shown:
    """Make version `version` of a config its new latest version; undelete a deleted config.

    A live config takes the preconditions of a PUT. A deleted one needs none; one that is
    sent is held against its last history version (its DELETE row). A version that the
    connector's definitions refuse now (they changed since) is refused, as a write of it would be.
    """
    try:
        with transaction() as session:
            integration = get_integration(
                principal=principal, integration_id=integration_id, lock="share"
            )
            where = {"principal": principal, "integration_id": integration.id}
            config = session.scalar(
                select(Config)
                .where(Config.id == config_id, Config.integration_id == integration.id)
                .with_for_update(of=Config)
            )
            source = history.get_version(**where, config_id=config_id, version=version)
            if config is None:
                latest = history.latest_version(**where, config_id=config_id)
                dataclasses.replace(expect, required=False).check(config_id, latest)
                config = Config(id=config_id, integration=integration)
            else:
                expect.check(config.id, config.version)
            _check_name_free(integration.id, config_id, source.name)
            check_restore(integration.connector, source)
            record_restore(session, config, source, by=principal.identity, reason=reason)
    except IntegrityError:
        # The integration went, or another writer took the name or undeleted the config
        # meanwhile: the next attempt finds out which, and answers as if it had come second.
        raise LostRace() from None
    return shown_to(principal, config)


def _check_name_free(integration_id: uuid.UUID, config_id: uuid.UUID, name: str) -> None:
    """Raise Duplicate when another config of the integration has taken the name since."""
    taken = db.session.scalar(
        select(Config.id).where(
            Config.integration_id == integration_id, Config.name == name, Config.id != config_id
        )
    )
    if taken is not None:
        raise Duplicate(
            f"The integration has another config named {name!r} now; rename or delete it first."
        )
