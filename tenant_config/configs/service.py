"""Rules for configs: integration fields must match, names are unique, every change is versioned."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from tenant_config.auth import Principal
from tenant_config.config_versions.models import CREATE, UPDATE, ConfigVersion
from tenant_config.configs.models import Config
from tenant_config.database import db, transaction, utcnow
from tenant_config.encryption import MASK
from tenant_config.errors import Duplicate, NotFound, SecretUnreadable, ValidationFailed
from tenant_config.integrations.models import Integration
from tenant_config.integrations.service import get_integration, visible_to
from tenant_config.pagination import Page, paginate
from tenant_config.preconditions import Expectation

SORT_COLUMNS = {
    "id": Config.id,
    "version": Config.version,
    "createdAt": Config.created_at,
    "updatedAt": Config.updated_at,
    "createdBy": Config.created_by,
    "updatedBy": Config.updated_by,
    "group": Config.group,
    "name": Config.name,
    "label": Config.label,
    "description": Config.description,
    "value": Config.value,
    "sensitive": Config.sensitive,
}
# A body may repeat the integration's fields; they must then be the integration's own.
# loaded key -> (API field name, Integration attribute)
INTEGRATION_FIELDS = {
    "integration_id": ("integration", "id"),
    "integration_name": ("integrationName", "name"),
    "client": ("client", "client"),
    "client_name": ("clientName", "client_name"),
    "tenant": ("tenant", "tenant"),
    "tenant_name": ("tenantName", "tenant_name"),
    "partner_tenant": ("partnerTenant", "partner_tenant"),
    "partner_tenant_name": ("partnerTenantName", "partner_tenant_name"),
    "connector": ("connector", "connector"),
}
CONFIG_FIELDS = ("group", "name", "label", "description")


def _own_fields(integration: Integration, data: Mapping[str, Any]) -> dict[str, Any]:
    """Check the integration fields a body repeats; return the config's own fields."""
    wrong = {
        name: ["Differs from the integration's; a config cannot move between integrations."]
        for key, (name, attribute) in INTEGRATION_FIELDS.items()
        if key in data and data[key] != getattr(integration, attribute)
    }
    if wrong:
        raise ValidationFailed("Integration fields differ from the integration.", errors=wrong)
    return {key: data[key] for key in CONFIG_FIELDS}


def _apply_value(config: Config, value: str | None, sensitive: bool) -> bool:
    """Set the value a body sends; tell whether it changed. The mask keeps a stored secret."""
    if config.sensitive and not sensitive and value in (None, MASK):
        raise ValidationFailed(
            "A sensitive value becomes plain text only with its new value in the same request.",
            errors={"value": ["Send the new plain value together with sensitive=false."]},
        )
    if sensitive and value == MASK:
        if config.sensitive:
            return False
        value = config.value  # turning a plain value sensitive encrypts it
    if config.sensitive == sensitive:
        try:
            if config.reveal() == value:
                return False
        except SecretUnreadable:
            pass  # a new value replaces one whose key is gone
    config.store_value(value, sensitive=sensitive)
    return True


def _duplicate(name: str) -> Duplicate:
    return Duplicate(f"The integration has a config named {name!r} already.")


def get_config(*, principal: Principal, integration_id: uuid.UUID, config_id: uuid.UUID) -> Config:
    """Return a config of a visible integration, or raise NotFound."""
    config = db.session.scalar(
        select(Config)
        .join(Config.integration)
        .where(Config.id == config_id, Config.integration_id == integration_id)
        .where(visible_to(principal))
    )
    if config is None:
        raise NotFound("The config does not exist.")
    return config


def list_configs(
    *, principal: Principal, integration_id: uuid.UUID, args: Mapping[str, Any]
) -> Page:
    """Return one page of an integration's configs."""
    integration = get_integration(principal=principal, integration_id=integration_id)
    query = select(Config).where(Config.integration_id == integration.id)
    return paginate(_filtered(query, args), args=args, columns=SORT_COLUMNS, tiebreak=Config.id)


def lookup_configs(
    *, principal: Principal, connector: str, partner_tenant: str, args: Mapping[str, Any]
) -> Page:
    """Return one page of the configs a connector keeps for a partner tenant."""
    query = (
        select(Config)
        .join(Config.integration)
        .where(Integration.connector == connector, Integration.partner_tenant == partner_tenant)
        .where(visible_to(principal))
    )
    return paginate(_filtered(query, args), args=args, columns=SORT_COLUMNS, tiebreak=Config.id)


def _filtered(query, args: Mapping[str, Any]):
    for name in ("group", "name"):
        if args.get(name) is not None:
            query = query.where(getattr(Config, name) == args[name])
    return query


def create_config(
    *, principal: Principal, integration_id: uuid.UUID, data: Mapping[str, Any]
) -> Config:
    """Create a config at version 0 and record its CREATE version."""
    try:
        with transaction() as session:
            integration = get_integration(principal=principal, integration_id=integration_id)
            if data["sensitive"] and data["value"] == MASK:
                raise ValidationFailed(
                    "A new sensitive value cannot be the mask.",
                    errors={"value": [f"{MASK!r} only keeps a stored secret; send the value."]},
                )
            config = Config(id=uuid.uuid4(), integration=integration)
            for key, value in _own_fields(integration, data).items():
                setattr(config, key, value)
            config.store_value(data["value"], sensitive=data["sensitive"])
            config.stamp(principal.identity)
            session.add(config)
            session.flush()
            session.add(ConfigVersion.of(config, CREATE))
    except IntegrityError:
        raise _duplicate(data["name"]) from None
    return config


def update_config(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    config_id: uuid.UUID,
    data: Mapping[str, Any],
    expect: Expectation,
) -> Config:
    """Replace a config's fields if the caller's expectation holds; record an UPDATE version."""
    try:
        with transaction() as session:
            config = get_config(
                principal=principal, integration_id=integration_id, config_id=config_id
            )
            expect.check(config.id, config.version)
            fields = _own_fields(config.integration, data)
            changes = {k: v for k, v in fields.items() if getattr(config, k) != v}
            value_changed = _apply_value(config, data["value"], data["sensitive"])
            for key, value in changes.items():
                setattr(config, key, value)
            if value_changed or changes:
                config.stamp(principal.identity)
                session.flush()
                session.add(ConfigVersion.of(config, UPDATE))
    except StaleDataError:
        raise expect.failure(config_id, None) from None
    except IntegrityError:
        raise _duplicate(data["name"]) from None
    return config


def delete_config(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    config_id: uuid.UUID,
    expect: Expectation,
) -> None:
    """Delete a config, recording its last state as a DELETE version."""
    try:
        with transaction() as session:
            config = get_config(
                principal=principal, integration_id=integration_id, config_id=config_id
            )
            expect.check(config.id, config.version)
            session.add(ConfigVersion.deletion(config, at=utcnow(), by=principal.identity))
            session.delete(config)
    except StaleDataError:
        raise expect.failure(config_id, None) from None
