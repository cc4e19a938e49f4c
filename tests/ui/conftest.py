"""Fixtures of the admin UI's tests: apps in development mode, signed-in clients, a provider."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tenant_config.platform.database import db
from tenant_config.platform.settings import DEFAULT_OIDC_SCOPES, DEV_AUDIENCE, DEV_ISSUER
from tests.support.oidc_provider import CLIENT_ID, CLIENT_SECRET, Provider
from tests.ui.support import signed_in_client


@pytest.fixture
def dev_app(make_app, tmp_path) -> Flask:
    """An app as `make run` builds it: development mode, trusting the keys it generates."""
    return make_app(
        env="development",
        jwks_file=tmp_path / "dev-jwks.json",
        jwt_issuer=DEV_ISSUER,
        jwt_audience=DEV_AUDIENCE,
        secret_key="",
    )


@pytest.fixture
def ui(app, token) -> FlaskClient:
    """A test client signed in to the UI with the test tenant's token."""
    return signed_in_client(app, token)


@pytest.fixture
def ui_as(app, make_token, tenant) -> Callable[..., FlaskClient]:
    """Return a client signed in with a token for `tenant` and the scopes given."""

    def build(**claims) -> FlaskClient:
        claims.setdefault("tenants", [tenant])
        return signed_in_client(app, make_token(**claims))

    return build


@pytest.fixture
def provider(signing_key) -> Iterator[Provider]:
    """A provider signing with the key the test apps trust."""
    provider = Provider(signing_key).start()
    yield provider
    provider.stop()


@pytest.fixture
def oidc_app(make_app, provider) -> Iterator[Callable[..., Flask]]:
    """Build production-mode apps whose UI signs in through `provider`."""
    apps: list[Flask] = []

    def build(**overrides) -> Flask:
        settings = {
            "jwt_issuer": provider.issuer,
            "oidc_issuer": provider.issuer,
            "oidc_client_id": CLIENT_ID,
            "oidc_client_secret": CLIENT_SECRET,
            "oidc_scopes": DEFAULT_OIDC_SCOPES,
        } | overrides
        apps.append(make_app(**settings))
        return apps[-1]

    yield build
    for app in apps:
        with app.app_context():
            db.engine.dispose()
