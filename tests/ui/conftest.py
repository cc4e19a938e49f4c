"""Fixtures of the admin UI's tests: apps in development mode, signed-in test clients."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from tenant_config.platform.settings import DEV_AUDIENCE, DEV_ISSUER
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
