"""Connectors of a test's own, with the parameter definitions it needs, through the API."""

from __future__ import annotations

import uuid

from flask.testing import FlaskClient

from tests.support.tokens import TokenFactory

ADMIN_SCOPE = "ConnTenantConfigApi:Admin"


def admin_headers(make_token: TokenFactory) -> dict[str, str]:
    """Headers of an administrator, who may change the catalog."""
    return {"Authorization": f"Bearer {make_token(scopes=[ADMIN_SCOPE])}"}


def own_connector(
    client: FlaskClient,
    make_token: TokenFactory,
    *parameters: dict,
    strict: bool = False,
) -> str:
    """Add a connector of the test's own with these definitions; return its code."""
    code = f"TEST_{uuid.uuid4().hex[:12].upper()}"
    headers = admin_headers(make_token)
    body = {"displayName": f"Test connector {code}", "strict": strict}
    response = client.put(f"/connectors/{code}", json=body, headers=headers)
    assert response.status_code == 201, response.get_json()
    for parameter in parameters:
        define(client, make_token, code, parameter)
    return code


def define(client: FlaskClient, make_token: TokenFactory, code: str, parameter: dict) -> dict:
    """Define one parameter of connector `code` (group defaults to `settings`); return it."""
    body = {"group": "settings"} | parameter
    url = f"/connectors/{code}/parameters"
    response = client.post(url, json=body, headers=admin_headers(make_token))
    assert response.status_code == 201, response.get_json()
    return response.get_json()
