"""Calling the batch route and reading what an integration holds, for the batch tests."""

from __future__ import annotations

from flask.testing import FlaskClient

from tests.support.urls import configs_url as url


def post(client: FlaskClient, headers: dict, integration: dict, operations: list, query=""):
    """POST `operations` as one batch to the integration."""
    body = {"operations": operations}
    return client.post(f"{url(integration)}/batch{query}", json=body, headers=headers)


def state(client: FlaskClient, headers: dict, integration: dict) -> tuple[list, list]:
    """Every config and every history row of the integration, as the API lists them."""
    query = "?pageSize=100&pageSort=name"
    configs = client.get(f"{url(integration)}{query}", headers=headers).get_json()["content"]
    rows = client.get(f"{url(integration)}/versions{query}", headers=headers).get_json()
    return configs, rows["content"]


def body(name: str, value: str | None = "v", **fields) -> dict:
    """A config body named `name`."""
    return {"group": "g", "name": name, "value": value} | fields
