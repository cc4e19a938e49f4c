"""Reading a verified token's claims into the Principal that the rest of the service uses."""

from __future__ import annotations

from tenant_config.platform.tenancy import Principal

MAX_CLAIM_ENTRIES = 1000
MAX_CLAIM_LENGTH = 255
# A partner_tenants entry is "<connector>:<partnerTenant>", two strings of up to 255 each.
MAX_PARTNER_CLAIM_LENGTH = 2 * MAX_CLAIM_LENGTH + 1
IDENTITY_CLAIMS = ("email", "preferred_username", "client_id", "sub")


class MalformedClaim(ValueError):
    """A claim has a type or size the service does not accept."""


def _strings(claims: dict, name: str) -> frozenset[str]:
    value = claims.get(name)
    if value is None:
        return frozenset()
    if isinstance(value, str):
        value = value.split()
    if not isinstance(value, list) or len(value) > MAX_CLAIM_ENTRIES:
        raise MalformedClaim(name)
    longest = MAX_PARTNER_CLAIM_LENGTH if name == "partner_tenants" else MAX_CLAIM_LENGTH
    if not all(isinstance(item, str) and 0 < len(item) <= longest for item in value):
        raise MalformedClaim(name)
    return frozenset(item.lower() if name != "partner_tenants" else item for item in value)


def principal_from_claims(claims: dict) -> Principal:
    """Build the caller from verified claims; raise MalformedClaim on odd shapes."""
    scope = claims.get("scope")
    if scope is None:
        scope = claims.get("scp")
    if isinstance(scope, list) and all(isinstance(item, str) for item in scope):
        scope = " ".join(scope)
    if scope is not None and not isinstance(scope, str):
        raise MalformedClaim("scope")
    for name in IDENTITY_CLAIMS:
        if claims.get(name) is not None and not isinstance(claims[name], str):
            raise MalformedClaim(name)
    identity = next((claims[c] for c in IDENTITY_CLAIMS if claims.get(c)), None)
    if identity is None:
        raise MalformedClaim("sub")
    return Principal(
        identity=identity[:255],
        scopes=frozenset((scope or "").split()),
        tenants=_strings(claims, "tenants"),
        clients=_strings(claims, "clients"),
        partner_tenants=_strings(claims, "partner_tenants"),
        expires_at=int(claims["exp"]),
    )
