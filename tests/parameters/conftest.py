"""Fixtures of the parameter tests: an administrator, and a connector of the test's own."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from tests.support.catalog import ADMIN_SCOPE, own_connector
from tests.support.tokens import SENSITIVE_SCOPES


@pytest.fixture
def admin(make_token) -> dict[str, str]:
    """Headers of an administrator who may also read everything, secrets and history included."""
    return {"Authorization": f"Bearer {make_token(scopes=[ADMIN_SCOPE, *SENSITIVE_SCOPES])}"}


@pytest.fixture
def connector(client, make_token) -> str:
    """The code of a fresh connector of this test's own, with no definitions yet."""
    return own_connector(client, make_token)


@pytest.fixture
def history(client, admin) -> Callable[..., list[dict]]:
    """Every history row of one parameter, oldest first."""

    def rows(code: str, name: str) -> list[dict]:
        url = f"/connectors/{code}/parameters/{name}/versions?pageSort=updatedAt&pageSize=100"
        response = client.get(url, headers=admin)
        if response.status_code == 404:
            return []
        assert response.status_code == 200, response.get_json()
        return response.get_json()["content"]

    return rows
