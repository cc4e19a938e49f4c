"""The change pipeline: every write of a config passes here and appends its history row.

Create, update, delete, restore, an integration's cascade (and batches) call these
two functions inside the caller's transaction, so a change and its history row commit or
roll back together. Whatever must follow every change (a change marker, a notification)
belongs in `_append`, and nowhere else.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, inspect, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from tenant_config.config_versions.models import DELETE, RESTORE, ConfigVersion
from tenant_config.configs.models import Config
from tenant_config.platform.changes import announce, change_key
from tenant_config.platform.clock import utcnow
from tenant_config.platform.database import scrub_after_commit
from tenant_config.platform.encryption.column import keyring
from tenant_config.platform.encryption.keyring import Secret


def record_change(
    session: Session,
    config: Config,
    operation: str,
    *,
    by: str,
    reason: str | None = None,
    restored_from: int | None = None,
) -> ConfigVersion:
    """Stamp `config` as changed by `by`, write it and append its history row at its version.

    `reason` is the caller's change reason; `restored_from` the version a RESTORE copied.
    """
    if _turned_sensitive(config):
        _seal_history(session, config)
    if isinstance(config.secret, Secret):
        # Sealed once, for the config and its row: an unchanged secret stays one ciphertext
        # down the history, which is how a diff tells it unchanged without decrypting.
        config.secret = keyring().seal(config.secret)
    config.stamp(by)
    session.add(config)
    session.flush()  # the version counter moves on flush
    row = _snapshot(config, operation, config.version, reason=reason)
    row.restored_from = restored_from
    return _append(session, row)


def record_deletion(
    session: Session,
    config: Config,
    *,
    by: str,
    at: datetime | None = None,
    reason: str | None = None,
) -> ConfigVersion:
    """Delete `config`, appending its last state as the DELETE row at the next version."""
    row = _snapshot(
        config,
        DELETE,
        config.version + 1,
        updated_at=at or utcnow(),
        updated_by=by,
        reason=reason,
    )
    session.delete(config)
    return _append(session, row)


def record_restore(
    session: Session,
    config: Config,
    source: ConfigVersion,
    *,
    by: str,
    reason: str | None = None,
) -> ConfigVersion:
    """Give `config` the content of history row `source`; append its RESTORE row.

    A deleted config comes back when `config` is a new row under its old id: its history goes
    on at the next version after its DELETE row. A sensitive value comes back as its very
    ciphertext (bound to the config's id, which it keeps).
    """
    for key in ("group", "name", "label", "description"):
        setattr(config, key, getattr(source, key))
    config.copy_value(source)
    if not inspect(config).persistent:
        _reinsert(session, config, source)
    return record_change(
        session, config, RESTORE, by=by, reason=reason, restored_from=source.version
    )


def _reinsert(session: Session, config: Config, source: ConfigVersion) -> None:
    """Insert an undeleted config at its last history version (record_change moves it on)."""
    latest = session.scalar(
        select(func.max(ConfigVersion.version)).where(ConfigVersion.tenant_config_id == config.id)
    )
    if source.sensitive:
        _seal_history(session, config)  # as when a stored config turns sensitive
    config.created_at, config.created_by = source.created_at, source.created_by
    config.stamp(source.updated_by, source.updated_at)
    session.add(config)
    session.flush()  # the version counter always inserts 0
    session.execute(
        update(Config).where(Config.id == config.id).values(version=latest),
        execution_options={"synchronize_session": False},
    )
    set_committed_value(config, "version", latest)


def _turned_sensitive(config: Config) -> bool:
    """Tell whether this change makes a stored plain config sensitive (read before the flush)."""
    changed = inspect(config).attrs.sensitive.history
    return inspect(config).persistent and True in changed.added and False in changed.deleted


def _seal_history(session: Session, config: Config) -> None:
    """Encrypt the plain values of the config's earlier history rows, which read as sensitive.

    The secret's earlier plaintexts would otherwise stay readable to every history reader and
    in every dump; the history guards allow exactly this change (see the migrations).
    """
    with session.no_autoflush:  # the config's own change flushes once, in record_change
        rows = session.scalars(
            select(ConfigVersion).where(
                ConfigVersion.tenant_config_id == config.id,
                ConfigVersion.sensitive.is_(False),
                ConfigVersion.value.is_not(None),
            )
        ).all()
    for row in rows:
        row.store_value(row.value, sensitive=True)
    scrub_after_commit(session)


def _append(session: Session, row: ConfigVersion) -> ConfigVersion:
    session.add(row)
    announce(session, change_key(row.connector, row.partner_tenant))  # wakes change waits
    return row


def _snapshot(
    config: Config,
    operation: str,
    version: int,
    *,
    updated_at: datetime | None = None,
    updated_by: str | None = None,
    reason: str | None = None,
) -> ConfigVersion:
    """The full state of `config` as a history row (the integration's fields included)."""
    integration = config.integration
    row = ConfigVersion(
        tenant_config_id=config.id,
        version=version,
        operation=operation,
        created_at=config.created_at,
        updated_at=updated_at or config.updated_at,
        created_by=config.created_by,
        updated_by=updated_by or config.updated_by,
        integration_id=integration.id,
        integration_name=integration.name,
        client=integration.client,
        client_name=integration.client_name,
        tenant=integration.tenant,
        tenant_name=integration.tenant_name,
        partner_tenant=integration.partner_tenant,
        partner_tenant_name=integration.partner_tenant_name,
        connector=integration.connector,
        group=config.group,
        name=config.name,
        label=config.label,
        description=config.description,
        reason=reason,
    )
    row.copy_value(config)
    return row
