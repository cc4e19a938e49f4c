"""Schemathesis against the app: no 500s, and every answer matches the published OpenAPI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
)

from tenant_config.auth import CONFIG_READ_SENSITIVE
from tests.tokens import ALL_SCOPES

MAX_EXAMPLES = 40
# Every check but positive_data_acceptance: schema-valid data may still be refused by the
# service's rules (unknown connector, a tenant outside the token, a duplicate name).
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    negative_data_rejection,
    missing_required_header,
    unsupported_method,
    ignored_auth,
]

SPEC = Path(__file__).resolve().parent.parent / "openapi" / "openapi.json"


class CurrentApp:
    """A WSGI app that forwards to the app of the backend under test."""

    app = None

    def __call__(self, environ, start_response):
        return self.app(environ, start_response)


# The committed spec is the contract (test_openapi_is_current keeps it equal to the served one);
# pytest 9.2 breaks schemathesis' lazy from_fixture loader, so the app is chosen per backend.
current_app = CurrentApp()
schema = schemathesis.openapi.from_path(SPEC)
schema.app = current_app
schema.config.generation.update(max_examples=MAX_EXAMPLES)
schema.config.update(base_url="http://localhost")


@pytest.fixture
def fuzz_world(client, make_token, new_integration, tenant):
    """A tenant with one integration and one config, and a token that may do anything there."""
    token = make_token(scopes=(*ALL_SCOPES, CONFIG_READ_SENSITIVE), tenants=[tenant])
    integration = new_integration()
    headers = {"Authorization": f"Bearer {token}"}
    url = f"/tenantintegrations/{integration['id']}/configs"
    config = client.post(url, json={"group": "g", "name": "n", "value": "v"}, headers=headers)
    return {"headers": headers, "integration": integration, "config": config.get_json()}


def _is_negative(case, location: ParameterLocation) -> bool:
    info = case.meta.components.get(location) if case.meta else None
    return info is not None and info.mode.is_negative


def _aim(case, world) -> None:
    """Point about half of the valid cases at the ids and tenant that exist."""
    if any(_is_negative(case, location) for location in ParameterLocation):
        return
    params = case.path_parameters or {}
    if "integration_id" in params and str(params["integration_id"])[:1] in "01234567":
        params["integration_id"] = world["integration"]["id"]
        if "config_id" in params:
            params["config_id"] = world["config"]["id"]
    if "connector" in params and str(params.get("partner_tenant", ""))[:1] in "abcdef012":
        params["connector"] = world["integration"]["connector"]
        params["partner_tenant"] = world["integration"]["partnerTenant"]
    if isinstance(case.body, dict):
        for name in ("tenant", "connector"):
            if isinstance(case.body.get(name), str):
                case.body[name] = world["integration"][name]


@schema.parametrize()
@settings(
    max_examples=MAX_EXAMPLES,
    deadline=None,
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_conforms_to_its_openapi(case, app, fuzz_world):
    current_app.app = app
    _aim(case, fuzz_world)
    # A case that breaks the headers on purpose (e.g. drops Authorization) is sent as generated.
    headers = {} if _is_negative(case, ParameterLocation.HEADER) else fuzz_world["headers"]
    case.call_and_validate(headers=headers, checks=CHECKS)


def test_openapi_is_current(client):
    assert client.get("/openapi.json").get_json() == json.loads(SPEC.read_text())
