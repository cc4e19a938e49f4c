"""Schemathesis against the app: no 500s, and every answer matches the published OpenAPI."""

from __future__ import annotations

import uuid

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.config._auth import OpenAPIAuthConfig
from schemathesis.core.parameters import ParameterLocation
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ensure_resource_availability,
    ignored_auth,
    missing_required_header,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
    unsupported_method,
    use_after_free,
)

from tenant_config.platform.scopes import ADMIN, CONFIG_READ_SENSITIVE
from tests.support.paths import COMMITTED_OPENAPI
from tests.support.tokens import ALL_SCOPES

MAX_EXAMPLES = 40
STATEFUL_EXAMPLES = 30
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

SPEC = COMMITTED_OPENAPI


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
# A body over 64 KiB (a batch of too many operations, say) is refused as too large, by design.
_rejection = schema.config.checks.negative_data_rejection
_rejection.expected_statuses = [*_rejection.expected_statuses, "413"]
# Its own copy: the stateful test gives it a bearer token through schemathesis' auth config.
workflow_schema = schemathesis.openapi.from_path(SPEC)
workflow_schema.app = current_app
workflow_schema.config.update(base_url="http://localhost")


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
    partner_tenant = str(params.get("partner_tenant", ""))
    if "connector" in params and partner_tenant and partner_tenant[:1] in "abcdef012":
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


def test_api_workflows_conform_to_its_openapi(app, make_token, tenant):
    """Stateful: chains of calls along the spec's links (create, then read, change, delete)."""
    current_app.app = app
    # Admin, so that each scenario can start from a tenant of its own: replays then see the
    # same answers (hypothesis refuses a state machine whose draws depend on earlier runs).
    token = make_token(scopes=(*ALL_SCOPES, CONFIG_READ_SENSITIVE, ADMIN), tenants=[tenant])
    workflow_schema.config.auth.openapi = OpenAPIAuthConfig(
        schemes={"bearerAuth": {"bearer": token}}
    )

    class Workflow(workflow_schema.as_state_machine()):
        def setup(self):
            self.tenant = str(uuid.uuid4())

        def before_call(self, case):
            body = case.body
            if isinstance(body, dict) and case.operation.path == "/tenantintegrations":
                body.update(tenant=self.tenant, connector="SAPTAX_OSERIES")
                # (connector, partnerTenant) is unique across tenants: scope it to the scenario.
                if isinstance(body.get("partnerTenant"), str):
                    body["partnerTenant"] = (self.tenant + body["partnerTenant"])[:255]

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(
                response,
                checks=[*CHECKS, use_after_free, ensure_resource_availability],
                transport_kwargs=kwargs,
                recorder=self.recorder,
            )

    Workflow.run(
        settings=settings(
            max_examples=STATEFUL_EXAMPLES,
            stateful_step_count=6,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
        )
    )
