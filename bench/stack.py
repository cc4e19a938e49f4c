"""What the service under test needs: keys and tokens, a database of its own, its environment."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import psycopg
from cryptography.fernet import Fernet
from flask_migrate import upgrade
from joserfc import jwt
from joserfc.jwk import RSAKey

from tenant_config.app import create_app
from tenant_config.platform.database import db
from tenant_config.platform.encryption.keyring import Keyring
from tenant_config.platform.settings import Settings

ISSUER = "https://idp.bench.invalid/realms/tenant-config"
AUDIENCE = "tenant-config"
ADMIN_DSN = "postgresql://postgres@127.0.0.1:5432/postgres"


class Keys:
    """A signing key (its JWKS in `directory`) and a Fernet key, made for this run only."""

    def __init__(self, directory: Path):
        self.key = RSAKey.generate_key(2048)
        self.jwks_file = directory / "jwks.json"
        public = self.key.as_dict(private=False) | {"kid": "bench-1", "use": "sig"}
        self.jwks_file.write_text(json.dumps({"keys": [public]}))
        self.fernet = Fernet.generate_key().decode()
        self.keyring = Keyring([self.fernet])

    def token(self, subject: str, scopes: list[str], **claims) -> str:
        """Sign an access token for `subject`, valid for two hours."""
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": AUDIENCE,
            "sub": subject,
            "iat": now,
            "exp": now + 7200,
            "scope": " ".join(scopes),
        } | claims
        header = {"alg": "RS256", "kid": "bench-1", "typ": "JWT"}
        return jwt.encode(header, payload, self.key, algorithms=["RS256"])


class Postgres:
    """A fresh database on the local server (user postgres, trust), dropped by `drop`."""

    def __init__(self):
        self.name = f"bench_{datetime.now(UTC):%Y%m%d%H%M%S}"
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.name}"
        self.dsn = f"postgresql://postgres@127.0.0.1:5432/{self.name}"
        self.created = False

    def create(self) -> Postgres:
        with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5) as admin:
            admin.execute(f'CREATE DATABASE "{self.name}"')
        self.created = True
        return self

    def drop(self) -> None:
        if self.created:
            with psycopg.connect(ADMIN_DSN, autocommit=True, connect_timeout=5) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            self.created = False

    @staticmethod
    def version() -> str:
        with psycopg.connect(ADMIN_DSN, connect_timeout=5) as admin:
            return admin.execute("SHOW server_version").fetchone()[0]


def settings(database_url: str, keys: Keys, instance: Path) -> Settings:
    """Production-mode settings on `database_url`, as the served app gets them."""
    built = Settings(
        env="production",
        instance_path=instance,
        database_url=database_url,
        jwks_file=str(keys.jwks_file),
        jwt_issuer=ISSUER,
        jwt_audience=AUDIENCE,
        fernet_keys=(keys.fernet,),
    )
    built.validate()
    return built


def migrate(database_url: str, keys: Keys, instance: Path) -> None:
    """Create the schema with the project's migrations."""
    app = create_app(settings(database_url, keys, instance))
    caught = io.StringIO()  # alembic's INFO lines, shown only if the migration fails
    try:
        with app.app_context(), contextlib.redirect_stderr(caught):
            upgrade()
            db.engine.dispose()
    except Exception:
        sys.stderr.write(caught.getvalue())
        raise


def service_env(database_url: str, keys: Keys, instance: Path, **overrides) -> dict[str, str]:
    """The environment of a production-mode gunicorn; `overrides` become TENANT_CONFIG_<NAME>."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TENANT_CONFIG_ENV": "production",
        "TENANT_CONFIG_DATABASE_URL": database_url,
        "TENANT_CONFIG_JWKS_FILE": str(keys.jwks_file),
        "TENANT_CONFIG_JWT_ISSUER": ISSUER,
        "TENANT_CONFIG_JWT_AUDIENCE": AUDIENCE,
        "TENANT_CONFIG_INSTANCE_PATH": str(instance),
        "TENANT_CONFIG_FERNET_KEYS": keys.fernet,
    }
    return env | {f"TENANT_CONFIG_{k.upper()}": str(v) for k, v in overrides.items()}
