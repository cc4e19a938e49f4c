"""Fixtures for encryption tests: a database of their own, apps on it with chosen keys."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator

import pytest
from cryptography.fernet import Fernet
from flask import Flask
from flask_migrate import upgrade
from sqlalchemy import create_engine, event, text

from tenant_config.app import create_app
from tenant_config.platform import scopes
from tenant_config.platform.database import db
from tests.tokens import ALL_SCOPES

SENSITIVE_SCOPES = (*ALL_SCOPES, scopes.CONFIG_READ_SENSITIVE)


def new_key() -> str:
    return Fernet.generate_key().decode()


@pytest.fixture
def sensitive_headers(make_token, tenant) -> dict[str, str]:
    """A token that may also read sensitive values in plain text."""
    return {"Authorization": f"Bearer {make_token(scopes=SENSITIVE_SCOPES, tenants=[tenant])}"}


def _use_schema(app: Flask, schema: str) -> None:
    def set_search_path(dbapi_connection, _record) -> None:
        autocommit = dbapi_connection.autocommit
        dbapi_connection.autocommit = True
        dbapi_connection.execute(f'SET search_path TO "{schema}"')
        dbapi_connection.autocommit = autocommit

    with app.app_context():
        event.listen(db.engine, "connect", set_search_path)


@pytest.fixture
def fresh_app(app, database_url, jwks_file, tmp_path) -> Iterator[Callable[..., Flask]]:
    """Build apps on an empty migrated database of this test's own (rotation touches all rows)."""
    schema = None
    if database_url.startswith("sqlite"):
        url = f"sqlite:///{tmp_path / 'fresh.db'}"
    else:
        url, schema = database_url, f"fresh_{uuid.uuid4().hex[:12]}"
        admin = create_engine(url)
        with admin.begin() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    apps: list[Flask] = []

    def build(**overrides) -> Flask:
        from tests.conftest import make_settings

        built = create_app(make_settings(tmp_path, url, jwks_file, **overrides))
        if schema:
            _use_schema(built, schema)
        if not apps:
            with built.app_context():
                upgrade()
        apps.append(built)
        return built

    yield build
    for built in apps:
        with built.app_context():
            db.engine.dispose()
    if schema:
        with admin.begin() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
