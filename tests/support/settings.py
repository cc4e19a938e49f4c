"""Settings of the apps under test: the backends, a per-run Fernet key, production-mode apps."""

from __future__ import annotations

import functools
import os
import re
import secrets
from pathlib import Path

from cryptography.fernet import Fernet
from sqlalchemy import create_engine, text

from tenant_config.platform.settings import Settings
from tests.support.tokens import AUDIENCE, ISSUER

POSTGRES_URL = os.environ.get("TENANT_CONFIG_TEST_POSTGRES_URL", "")
BACKENDS = ["sqlite", "postgresql"] if POSTGRES_URL else ["sqlite"]


def reset_postgres(url: str) -> None:
    """Empty the PostgreSQL test database so migrations start from nothing."""
    engine = create_engine(url)
    with engine.begin() as connection:
        connection.execute(text("DROP SCHEMA public CASCADE"))
        connection.execute(text("CREATE SCHEMA public"))
    engine.dispose()


@functools.cache
def session_fernet_key() -> str:
    """The Fernet key of this test session's apps: generated per run, never committed."""
    return Fernet.generate_key().decode()


@functools.cache
def session_secret_key() -> str:
    """The admin UI's session secret for this test session's apps."""
    return secrets.token_urlsafe(48)


def new_key() -> str:
    """A fresh Fernet key."""
    return Fernet.generate_key().decode()


def make_settings(tmp: Path, database_url: str, jwks_file: Path, **overrides) -> Settings:
    """Production-mode settings for a test app (no development defaults)."""
    values = {
        "env": "production",
        "instance_path": tmp,
        "database_url": database_url,
        "jwks_file": str(jwks_file),
        "jwt_issuer": ISSUER,
        "jwt_audience": AUDIENCE,
        # PostgreSQL: how long to wait for a connection. SQLite: how long a writer waits for
        # the lock, which racing tests on a busy 2-core host can need for more than 2 s.
        "db_connect_timeout": 2 if database_url.startswith("postgresql") else 20,
        "fernet_keys": (session_fernet_key(),),
        # Every test token is the same caller: limits are tested on apps of their own.
        "ratelimit_enabled": False,
        # The admin UI's session cookie (tests sign clients in through tests/ui/support.py).
        "secret_key": session_secret_key(),
    } | overrides
    settings = Settings(**values)
    settings.validate()
    return settings


def assert_key_id(kid: str, key: str) -> None:
    """A key id as documented: 12 lower-case hex characters, and no piece of the key."""
    assert re.fullmatch(r"[0-9a-f]{12}", kid), kid
    assert kid not in key
