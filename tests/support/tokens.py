"""Keys and access tokens made by the tests, signed for real."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

from joserfc import jwt
from joserfc.jwk import ECKey, RSAKey

from tenant_config.platform import scopes

ISSUER = "https://idp.test/realms/tenant-config"
AUDIENCE = "tenant-config"
ALL_SCOPES = (
    scopes.INTEGRATION_READ,
    scopes.INTEGRATION_WRITE,
    scopes.CONFIG_READ,
    scopes.CONFIG_WRITE,
    scopes.VERSION_READ,
)
SENSITIVE_SCOPES = (*ALL_SCOPES, scopes.CONFIG_READ_SENSITIVE)


@dataclass
class SigningKey:
    kid: str
    key: RSAKey | ECKey
    public_jwk: dict = field(init=False)

    def __post_init__(self):
        self.public_jwk = self.key.as_dict(private=False) | {"kid": self.kid, "use": "sig"}


def generate_key(kid: str) -> SigningKey:
    return SigningKey(kid, RSAKey.generate_key(2048))


class TokenFactory:
    """Sign access tokens; every claim can be overridden or removed (value None)."""

    def __init__(self, key: SigningKey):
        self.key = key

    def __call__(
        self,
        *,
        scopes=ALL_SCOPES,
        tenants=(),
        clients=(),
        partner_tenants=(),
        key: SigningKey | None = None,
        header: dict | None = None,
        **claims,
    ) -> str:
        key = key or self.key
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": "user-1",
            "email": "user1@companyxyz.com",
            "iat": now,
            "exp": now + 600,
            "scope": " ".join(scopes),
            "tenants": list(tenants),
            "clients": list(clients),
            "partner_tenants": list(partner_tenants),
        } | claims
        payload = {k: v for k, v in payload.items() if v is not None}
        protected = {"alg": "RS256", "kid": key.kid, "typ": "JWT"} | (header or {})
        return jwt.encode(protected, payload, key.key, algorithms=[protected["alg"]])
