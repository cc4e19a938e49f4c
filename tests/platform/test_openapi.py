"""The committed OpenAPI document is the one the code generates, and it is served offline."""

from __future__ import annotations

import json

from tests.support.paths import COMMITTED_OPENAPI

COMMITTED = COMMITTED_OPENAPI
OPERATIONS = {"get", "post", "put", "delete", "patch"}
PUBLIC_PREFIXES = ("/health", "/metrics")


def test_the_committed_openapi_is_what_the_service_serves_without_a_token(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    assert response.get_json() == json.loads(COMMITTED.read_text()), "run `make openapi`"


def test_every_operation_declares_its_scope_and_problem_errors():
    spec = json.loads(COMMITTED.read_text())
    assert spec["components"]["securitySchemes"]["bearerAuth"]["scheme"] == "bearer"
    for path, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in OPERATIONS or path.startswith(PUBLIC_PREFIXES):
                continue
            scopes = operation["security"][0]["bearerAuth"]
            assert len(scopes) == 1
            assert scopes[0].startswith("ConnTenantConfigApi:"), (method, path)
            assert {"401", "403"} <= set(operation["responses"]), (method, path)
    problem = spec["components"]["responses"]["NOT_FOUND"]["content"]
    assert "application/problem+json" in problem


def test_spec_examples_are_documented():
    spec = json.loads(COMMITTED.read_text())
    post = spec["paths"]["/tenantintegrations/{integration_id}/configs"]["post"]
    example = post["requestBody"]["content"]["application/json"]["example"]
    assert example["name"] == "messageLogEnabled"
    read = spec["paths"]["/tenantintegrations/{integration_id}/configs/{config_id}"]["get"]
    answer = read["responses"]["200"]["content"]["application/json"]["example"]
    assert answer["connector"] == "BIGCOMMERCE_OSERIES"


def test_docs_page_loads_its_assets_from_the_service(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/docs/assets/swagger-ui-bundle.js" in html
    assert "//cdn" not in html
    assert "unpkg" not in html
    bundle = client.get("/docs/assets/swagger-ui-bundle.js")
    assert bundle.status_code == 200
    assert len(bundle.data) > 100_000
