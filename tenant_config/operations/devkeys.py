"""Development keys under instance/: an RSA signing key, its JWKS, and tokens signed with it."""

from __future__ import annotations

import json
import os
import secrets
import time
import uuid
from pathlib import Path

from cryptography.fernet import Fernet
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from joserfc import jwt
from joserfc.jwk import RSAKey

from tenant_config.platform.settings import Settings

DEV_KID = "tenant-config-dev"


def _write_once(path: Path, data: bytes) -> None:
    """Create `path` with `data` unless it exists (safe when several processes race)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{uuid.uuid4().hex}")
    temporary.write_bytes(data)
    os.chmod(temporary, 0o600)
    try:
        os.link(temporary, path)
    except FileExistsError:
        pass
    finally:
        temporary.unlink()


def ensure_dev_keys(settings: Settings) -> None:
    """Generate the development signing key, its JWKS and a Fernet key if they do not exist."""
    if not settings.dev_signing_key_path.exists():
        private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        pem = private.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        _write_once(settings.dev_signing_key_path, pem)
    if not settings.dev_jwks_path.exists():
        key = RSAKey.import_key(settings.dev_signing_key_path.read_bytes())
        public = key.as_dict(private=False) | {"kid": DEV_KID, "use": "sig", "alg": "RS256"}
        _write_once(settings.dev_jwks_path, json.dumps({"keys": [public]}).encode())
    if not settings.dev_fernet_key_path.exists():
        _write_once(settings.dev_fernet_key_path, Fernet.generate_key())
    if not settings.dev_secret_key_path.exists():
        # The admin UI's session secret: every worker signs and reads the same cookies.
        _write_once(settings.dev_secret_key_path, secrets.token_urlsafe(48).encode())


def issue_dev_token(
    settings: Settings,
    *,
    subject: str,
    scopes: list[str],
    tenants: list[str],
    clients: list[str],
    partner_tenants: list[str],
    ttl_seconds: int,
) -> str:
    """Sign an access token with the development key."""
    if not settings.dev_signing_key_path.exists():
        raise FileNotFoundError(settings.dev_signing_key_path)
    key = RSAKey.import_key(settings.dev_signing_key_path.read_bytes())
    now = int(time.time())
    claims = {
        "iss": settings.jwt_issuer,
        "aud": settings.jwt_audience,
        "sub": subject,
        "iat": now,
        "exp": now + ttl_seconds,
        "scope": " ".join(scopes),
        "tenants": tenants,
        "clients": clients,
        "partner_tenants": partner_tenants,
    }
    header = {"alg": "RS256", "kid": DEV_KID, "typ": "at+jwt"}
    return jwt.encode(header, claims, key)
