"""What differs between two versions of a config, field by field, as one caller may see it."""

from __future__ import annotations

from typing import Any

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.platform.tenancy import Principal

# API field name -> history attribute, in the order an answer lists them.
FIELDS = {
    "group": "group",
    "name": "name",
    "label": "label",
    "description": "description",
    "sensitive": "sensitive",
}


def changes(principal: Principal, old: ConfigVersion, new: ConfigVersion) -> tuple[list, bool]:
    """Return the changes from `old` to `new`, and whether they reveal a sensitive value."""
    found: list[dict[str, Any]] = [
        {"field": field, "from": getattr(old, attribute), "to": getattr(new, attribute)}
        for field, attribute in FIELDS.items()
        if getattr(old, attribute) != getattr(new, attribute)
    ]
    if not (old.sensitive or new.sensitive):
        if old.value != new.value:
            found.append({"field": "value", "from": old.value, "to": new.value})
        return found, False
    if principal.may_read_sensitive():
        before, after = old.reveal(), new.reveal()
        if before != after:
            found.append({"field": "value", "from": before, "to": after, "changed": True})
        return found, before != after
    if _may_differ(old, new):
        found.append({"field": "value", "changed": True})
    return found, False


def _may_differ(old: ConfigVersion, new: ConfigVersion) -> bool:
    """Tell, without decrypting, whether a sensitive value may have changed.

    Only the very same stored value counts as unchanged: comparing plaintexts for a caller who
    may not read them would let a writer confirm a guess (write it, then diff).
    """
    return (old.sensitive, old.value, old.secret) != (new.sensitive, new.value, new.secret)
