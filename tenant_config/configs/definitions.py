"""A connector's parameter definitions applied to a config about to be stored.

Every write of a config (create, replace, merge patch, batch, restore) passes here inside its
transaction, before the value is stored: a defined name gets its type and constraints checked,
its omitted fields filled from the definition, and `type: secret` makes it sensitive. A name
without a definition stays free-form unless the connector is strict. Messages never repeat a
value (it may be a secret).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.configs.models import Config
from tenant_config.connectors.queries import get_connector
from tenant_config.parameters.impact import config_problems
from tenant_config.parameters.queries import find_parameter
from tenant_config.parameters.rules import value_problems
from tenant_config.platform.encryption.masking import MASK
from tenant_config.platform.errors import SecretUnreadable, ValidationFailed

# As marshmallow words a missing required field: a config with no definition needs its group.
MISSING = "Missing data for required field."
# The fields an omitted (or null) value of takes the definition's.
DEFAULTED = ("group", "label", "description")


def definition_for(connector: str, name: str) -> tuple[dict[str, Any] | None, list[str]]:
    """Return the connector's definition of `name` (or None) and what is wrong with the name.

    The definition row is share-locked until the write commits: a definition change waits for
    the write, and its check of the stored configs then sees the value written.
    """
    if (parameter := find_parameter(connector, name, lock="share")) is not None:
        return parameter.definition(), []
    if get_connector(connector).strict:
        return None, [
            f"{connector} has no parameter of this name, and it takes defined parameters "
            "only: define the parameter first, or use one of its names."
        ]
    return None, []


def apply_definition(
    connector: str,
    fields: Mapping[str, Any],
    *,
    value: str | None,
    sensitive: bool,
    stored: Config | None = None,
) -> tuple[dict[str, Any], bool]:
    """Check a config about to be stored against its definition; return its fields and sensitivity.

    `fields` are the config's group, name, label and description as the write sends them; an
    omitted (null) group, label or description takes the definition's. `stored` is the config
    an update changes: a value that keeps what it holds (the mask, or its plain value sent
    back) under the same name is not checked again, so a write that leaves a value alone never
    fails for it. Raise ValidationFailed, naming every field that fails, and change nothing.
    """
    filled = dict(fields)
    definition, errors = definition_for(connector, filled["name"])
    errors = {"name": errors} if errors else {}
    if definition is not None:
        for key in DEFAULTED:
            if filled.get(key) is None:
                filled[key] = definition[key]
        sensitive = sensitive or definition["type"] == "secret"
        if problems := _value_problems(definition, filled["name"], value, sensitive, stored):
            errors["value"] = problems
    if filled.get("group") is None:
        errors["group"] = [MISSING]
    if errors:
        raise ValidationFailed(_detail(errors, filled["name"]), errors=errors)
    return filled, sensitive


def check_restore(connector: str, source: ConfigVersion) -> None:
    """Refuse to restore a version whose content the connector's definitions refuse now."""
    definition, name_problems = definition_for(connector, source.name)
    if name_problems:
        raise ValidationFailed(
            f"Version {source.version} cannot be restored: the connector has become strict "
            f"since, and no longer defines {source.name!r}.",
            errors={"name": name_problems},
        )
    if definition is not None and (problems := config_problems(definition, source)):
        raise ValidationFailed(
            f"Version {source.version} cannot be restored: it does not satisfy the definition "
            f"of {source.name!r}, which has changed since. Write a valid value instead.",
            errors={"value": problems},
        )


def _value_problems(
    definition: Mapping[str, Any],
    name: str,
    value: str | None,
    sensitive: bool,
    stored: Config | None,
) -> list[str]:
    """Return what is wrong with the value a write leaves the config with."""
    keeps = stored is not None and (
        (sensitive and value == MASK) or (not stored.sensitive and value == stored.value)
    )
    if not keeps:
        return value_problems(definition, value)
    if stored.name == name:
        return []  # left as it is: the completeness report tells whether it still fits
    try:
        return value_problems(definition, stored.reveal())  # renamed: check it under its new name
    except SecretUnreadable:
        return ["The stored secret cannot be read (its key is gone); send the value."]


def _detail(errors: Mapping[str, list[str]], name: str) -> str:
    if "value" in errors:
        return f"The value does not satisfy the definition of {name!r}."
    if "name" in errors:
        return f"The connector does not define a parameter named {name!r}."
    return "The config has no group, and no definition to take one from."
