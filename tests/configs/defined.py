"""Integrations on connectors of a test's own, and definition changes, for the validation tests."""

from __future__ import annotations

from collections.abc import Callable

from flask.testing import FlaskClient

from tests.support.catalog import ADMIN_SCOPE, own_connector
from tests.support.problems import assert_problem
from tests.support.tokens import ALL_SCOPES, TokenFactory
from tests.support.urls import configs_url

VALIDATION_FAILED = "urn:tenant-config:problem:validation-failed"
MASK = "********"


def integration_defining(
    client: FlaskClient,
    make_token: TokenFactory,
    new_integration: Callable[..., dict],
    *parameters: dict,
    strict: bool = False,
) -> dict:
    """A fresh integration on a connector of the test's own that defines `parameters`."""
    code = own_connector(client, make_token, *parameters, strict=strict)
    return new_integration(connector=code)


def redefine(
    client: FlaskClient, make_token: TokenFactory, connector: str, name: str, **changes
) -> dict:
    """Replace a definition with `changes`, forced past the configs it refuses; return it."""
    url = f"/connectors/{connector}/parameters/{name}"
    headers = {"Authorization": f"Bearer {make_token(scopes=[ADMIN_SCOPE, *ALL_SCOPES])}"}
    current = client.get(url, headers=headers).get_json()
    keys = ("group", "name", "label", "description", "type", "required", "default")
    keys += ("allowedValues", "pattern", "minimum", "maximum", "maxLength")
    body = {key: current[key] for key in keys} | changes | {"version": current["version"]}
    answer = client.put(f"{url}?force=true", json=body, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def refused(response, field: str = "value") -> list[str]:
    """The answer is a 422 validation-failed naming `field`; return its messages."""
    problem = assert_problem(response, 422)
    assert problem["type"] == VALIDATION_FAILED
    assert problem["errors"][field], problem
    return problem["errors"][field]


def post(client: FlaskClient, headers: dict, integration: dict, **body):
    """POST a config to the integration."""
    return client.post(configs_url(integration), json=body, headers=headers)


def put(client: FlaskClient, headers: dict, integration: dict, config: dict, **body):
    """PUT a config, expecting the version it is at."""
    version = {"version": config["version"]}
    return client.put(configs_url(integration, config), json=body | version, headers=headers)


def stored(client: FlaskClient, headers: dict, integration: dict) -> tuple[list, list]:
    """Every config and history row of the integration, as (name, version, value) tuples."""
    query = "?pageSize=100&pageSort=name"
    base = configs_url(integration)
    configs = client.get(base + query, headers=headers).get_json()["content"]
    rows = client.get(f"{base}/versions{query}", headers=headers).get_json()["content"]
    return (
        [(c["name"], c["version"], c["value"]) for c in configs],
        [(r["name"], r["version"], r["operation"]) for r in rows],
    )
