"""Reading a verified token's claims into the Principal that the rest of the service uses.

Which claims hold the scopes and the tenant keys is configurable (README "Claims"). A claim
name is a path: looked up whole first, so a namespaced claim such as
`https://tenant-config.example.com/tenants` needs no escaping; otherwise dots step into nested
objects (`resource_access.tenant-config.roles`), and at every level the longest key present
wins, so a key that itself holds dots (a Keycloak client id such as `api.example.com`) works too.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tenant_config.platform.tenancy import Principal

MAX_CLAIM_ENTRIES = 1000
MAX_CLAIM_LENGTH = 255
# A partner_tenants entry is "<connector>:<partnerTenant>", two strings of up to 255 each.
MAX_PARTNER_CLAIM_LENGTH = 2 * MAX_CLAIM_LENGTH + 1
IDENTITY_CLAIMS = ("email", "preferred_username", "client_id", "sub")
DEFAULT_SCOPE_CLAIMS = ("scope", "scp")
# PostgreSQL text cannot hold NUL, and a lone surrogate has no UTF-8 form at all: a claim with
# either could never match a stored row, and would fail deep in the driver if it got that far.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


class MalformedClaim(ValueError):
    """A claim has a type, size or character the service does not accept (args[0]: its name)."""


@dataclass(frozen=True)
class ClaimNames:
    """Where the scopes and the tenant keys are found in a token (paths, see the module doc)."""

    scopes: Sequence[str] = DEFAULT_SCOPE_CLAIMS
    tenants: str = "tenants"
    clients: str = "clients"
    partner_tenants: str = "partner_tenants"


def claim(claims: Mapping[str, Any], path: str) -> Any:
    """Return the claim at `path`, or None when the token does not hold it."""
    return _lookup(claims, path.split("."))


def _lookup(node: Any, parts: list[str]) -> Any:
    if not isinstance(node, Mapping):
        return None
    for end in range(len(parts), 0, -1):
        key = ".".join(parts[:end])
        if key not in node:
            continue
        found = node[key] if end == len(parts) else _lookup(node[key], parts[end:])
        if found is not None:
            return found
    return None


def _checked(value: Any, name: str, longest: int) -> str:
    if not isinstance(value, str) or not 0 < len(value) <= longest or _UNSTORABLE.search(value):
        raise MalformedClaim(name)
    return value


def _entries(value: Any, name: str, longest: int) -> list[str]:
    """Split a space-delimited string, or check a list of strings."""
    if value is None:
        return []
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list) or len(value) > MAX_CLAIM_ENTRIES:
        raise MalformedClaim(name)
    return [_checked(item, name, longest) for item in value]


def _scopes(claims: Mapping[str, Any], names: Sequence[str]) -> frozenset[str]:
    """Read the first listed scope claim the token holds; the others are not mixed in."""
    for name in names:
        value = claim(claims, name)
        if value is None:
            continue
        if isinstance(value, list) and all(isinstance(item, str) for item in value):
            value = " ".join(value)
        if not isinstance(value, str) or _UNSTORABLE.search(value):
            raise MalformedClaim(name)
        return frozenset(value.split())
    return frozenset()


def _identity(claims: Mapping[str, Any]) -> str:
    """Name the caller by the first present of IDENTITY_CLAIMS (each must be clean text)."""
    for name in IDENTITY_CLAIMS:
        value = claims.get(name)
        if value is not None and (not isinstance(value, str) or _UNSTORABLE.search(value)):
            raise MalformedClaim(name)
    identity = next((claims[name] for name in IDENTITY_CLAIMS if claims.get(name)), None)
    if identity is None:
        raise MalformedClaim("sub")
    return identity[:255]


def principal_from_claims(claims: Mapping[str, Any], names: ClaimNames | None = None) -> Principal:
    """Build the caller from verified claims; raise MalformedClaim on odd shapes."""
    names = names or ClaimNames()
    tenants = _entries(claim(claims, names.tenants), names.tenants, MAX_CLAIM_LENGTH)
    clients = _entries(claim(claims, names.clients), names.clients, MAX_CLAIM_LENGTH)
    partners = claim(claims, names.partner_tenants)
    return Principal(
        identity=_identity(claims),
        scopes=_scopes(claims, names.scopes),
        tenants=frozenset(t.lower() for t in tenants),
        clients=frozenset(c.lower() for c in clients),
        partner_tenants=frozenset(
            _entries(partners, names.partner_tenants, MAX_PARTNER_CLAIM_LENGTH)
        ),
        expires_at=int(claims["exp"]),
    )
