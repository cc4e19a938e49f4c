"""/metrics cannot be grown by callers: methods and routes become a bounded set of labels."""

from __future__ import annotations

import uuid

from prometheus_client import CONTENT_TYPE_LATEST
from prometheus_client.parser import text_string_to_metric_families

from tenant_config.operations.metrics import HTTP_METHODS, OTHER_METHOD

REQUESTS = "tenant_config_http_requests_total"


def request_series(client) -> dict[tuple[str, str, str], float]:
    """(method, route, status) -> count, as scraped."""
    text = client.get("/metrics").get_data(as_text=True)
    series = {}
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == REQUESTS:
                labels = sample.labels
                series[(labels["method"], labels["route"], labels["status"])] = sample.value
    return series


def test_made_up_methods_and_paths_add_a_bounded_number_of_series(app, client, headers):
    before = request_series(client)
    for i in range(40):
        client.open("/health/live", method=f"X{uuid.uuid4().hex[:10].upper()}")
        client.open(f"/made/up/{uuid.uuid4()}/{i}", method="GET", headers=headers)
        client.open(f"/tenantintegrations/{uuid.uuid4()}/x{i}", method=f"M{i:03d}")
    after = request_series(client)
    new = set(after) - set(before)
    assert len(new) <= 4, new
    # The registry is the process's: only this test's series are checked against this app.
    routes = {rule.rule for rule in app.url_map.iter_rules()} | {"<unmatched>"}
    assert {route for _, route, _ in new} <= routes
    assert {method for method, _, _ in after} <= HTTP_METHODS | {OTHER_METHOD}
    assert (
        after[(OTHER_METHOD, "/health/live", "405")]
        >= before.get((OTHER_METHOD, "/health/live", "405"), 0) + 40
    )
    assert after[("GET", "<unmatched>", "404")] >= before.get(("GET", "<unmatched>", "404"), 0) + 40


def test_a_patch_on_a_known_route_is_labelled_with_that_route(client, headers, integration):
    route = "/tenantintegrations/<uuid:integration_id>"
    key = ("PATCH", route, "405")
    before = request_series(client).get(key, 0)
    response = client.patch(f"/tenantintegrations/{integration['id']}", json={}, headers=headers)
    assert response.status_code == 405
    assert "PUT" in response.headers["Allow"]
    assert request_series(client)[key] == before + 1


def test_the_content_type_names_the_charset_once(client):
    response = client.get("/metrics")
    assert response.headers["Content-Type"] == CONTENT_TYPE_LATEST
    assert response.headers["Content-Type"].count("charset") == 1
