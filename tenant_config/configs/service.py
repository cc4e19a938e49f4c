"""Rules for configs: integration fields must match, names are unique, every change is versioned."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from tenant_config.config_versions import as_of
from tenant_config.config_versions.models import CREATE, UPDATE
from tenant_config.config_versions.recorder import record_change, record_deletion
from tenant_config.configs import queries
from tenant_config.configs.definitions import apply_definition
from tenant_config.configs.models import Config
from tenant_config.integrations.models import Integration
from tenant_config.integrations.queries import get_integration
from tenant_config.platform.database import LostRace, retried, transaction, violates_foreign_key
from tenant_config.platform.encryption.masking import MASK, Shown, shown_to
from tenant_config.platform.errors import Duplicate, SecretUnreadable, ValidationFailed
from tenant_config.platform.pagination import Page, paginate
from tenant_config.platform.preconditions import Expectation
from tenant_config.platform.tenancy import Principal

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
    return {key: data.get(key) for key in CONFIG_FIELDS}


def _apply_value(config: Config, value: str | None, sensitive: bool, *, may_compare: bool) -> bool:
    """Set the value a body sends; tell whether it changed. The mask keeps a stored secret.

    A secret is compared only for a caller who may read it: for anyone else an unmoved
    version would confirm a guess, so every value such a caller sends is a new version.
    """
    if config.sensitive and not sensitive and value in (None, MASK):
        raise ValidationFailed(
            "A sensitive value becomes plain text only with its new value in the same request.",
            errors={"value": ["Send the new plain value together with sensitive=false."]},
        )
    if sensitive and value == MASK:
        if config.sensitive:
            return False
        value = config.value  # turning a plain value sensitive encrypts it
    if config.sensitive == sensitive and (may_compare or not sensitive):
        try:
            if config.reveal() == value:
                return False
        except SecretUnreadable:
            pass  # a new value replaces one whose key is gone
    config.store_value(value, sensitive=sensitive)
    return True


def _refused(error: IntegrityError, name: str) -> Exception:
    """A foreign key fails when the integration went meanwhile: the next attempt answers 404."""
    if violates_foreign_key(error):
        return LostRace()
    return Duplicate(f"The integration has a config named {name!r} already.")


def get_config(*, principal: Principal, integration_id: uuid.UUID, config_id: uuid.UUID) -> Shown:
    """Return a config as the caller may see it."""
    config = queries.get_config(
        principal=principal, integration_id=integration_id, config_id=config_id
    )
    return shown_to(principal, config)


def list_configs(
    *, principal: Principal, integration_id: uuid.UUID, args: Mapping[str, Any]
) -> Page:
    """Return one page of an integration's configs (now, or `asOf` an instant), as shown."""
    if args.get("asOf") is not None:
        return as_of.integration_configs_at(
            principal=principal, integration_id=integration_id, args=args
        )
    integration = get_integration(principal=principal, integration_id=integration_id)
    query = queries.filtered(select(Config).where(Config.integration_id == integration.id), args)
    page = paginate(query, args=args, columns=queries.SORT_COLUMNS, tiebreak=Config.id)
    return page.map(lambda config: shown_to(principal, config))


@retried
def create_config(
    *, principal: Principal, integration_id: uuid.UUID, data: Mapping[str, Any]
) -> Shown:
    """Create a config at version 0 and record its CREATE version."""
    try:
        with transaction() as session:
            integration = get_integration(
                principal=principal, integration_id=integration_id, lock="share"
            )
            fields, sensitive = apply_definition(
                integration.connector,
                _own_fields(integration, data),
                value=data["value"],
                sensitive=data["sensitive"],
            )
            if sensitive and data["value"] == MASK:
                raise ValidationFailed(
                    "A new sensitive value cannot be the mask.",
                    errors={"value": [f"{MASK!r} only keeps a stored secret; send the value."]},
                )
            config = Config(id=uuid.uuid4(), integration=integration)
            for key, value in fields.items():
                setattr(config, key, value)
            config.store_value(data["value"], sensitive=sensitive)
            record_change(session, config, CREATE, by=principal.identity, reason=data.get("reason"))
    except IntegrityError as error:
        raise _refused(error, data["name"]) from None
    return shown_to(principal, config)


@retried
def update_config(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    config_id: uuid.UUID,
    data: Mapping[str, Any],
    expect: Expectation,
) -> Shown:
    """Replace a config's fields if the caller's expectation holds; record an UPDATE version."""
    try:
        with transaction() as session:
            config = queries.get_config(
                principal=principal,
                integration_id=integration_id,
                config_id=config_id,
                for_write=True,
            )
            expect.check(config.id, config.version)
            fields, sensitive = apply_definition(
                config.integration.connector,
                _own_fields(config.integration, data),
                value=data["value"],
                sensitive=data["sensitive"],
                stored=config,
            )
            changes = {k: v for k, v in fields.items() if getattr(config, k) != v}
            value_changed = _apply_value(
                config, data["value"], sensitive, may_compare=principal.may_read_sensitive()
            )
            for key, value in changes.items():
                setattr(config, key, value)
            if value_changed or changes:
                record_change(
                    session, config, UPDATE, by=principal.identity, reason=data.get("reason")
                )
    except IntegrityError as error:
        raise _refused(error, data["name"]) from None
    return shown_to(principal, config)


@retried
def delete_config(
    *,
    principal: Principal,
    integration_id: uuid.UUID,
    config_id: uuid.UUID,
    expect: Expectation,
    reason: str | None = None,
) -> None:
    """Delete a config, recording its last state as a DELETE version."""
    with transaction() as session:
        config = queries.get_config(
            principal=principal, integration_id=integration_id, config_id=config_id, for_write=True
        )
        expect.check(config.id, config.version)
        record_deletion(session, config, by=principal.identity, reason=reason)
