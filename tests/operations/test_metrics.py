"""GET /metrics in process: request counts and latency by route template, pool in use, token."""

from __future__ import annotations

import pytest
from prometheus_client import REGISTRY

from tenant_config.app import create_app
from tenant_config.platform.database import db
from tenant_config.platform.scopes import METRICS_READ
from tests.support.settings import make_settings

ROUTE = "/tenantintegrations/<uuid:integration_id>"


def sample(name: str, **labels) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


def test_requests_are_counted_and_timed_by_route_template(client, headers, integration):
    labels = {"method": "GET", "route": ROUTE, "status": "200"}
    before = sample("tenant_config_http_requests_total", **labels)
    timed = sample("tenant_config_http_request_duration_seconds_count", **labels)
    for _ in range(3):
        response = client.get(f"/tenantintegrations/{integration['id']}", headers=headers)
        assert response.status_code == 200
    assert sample("tenant_config_http_requests_total", **labels) == before + 3
    assert sample("tenant_config_http_request_duration_seconds_count", **labels) == timed + 3
    response = client.get("/metrics")
    assert response.status_code == 200
    assert response.content_type.startswith("text/plain")
    text = response.get_data(as_text=True)
    assert f'tenant_config_http_requests_total{{method="GET",route="{ROUTE}",status="200"}}' in text
    assert "tenant_config_http_request_duration_seconds_bucket{" in text
    assert "tenant_config_db_pool_connections_in_use" in text
    assert integration["id"] not in text  # ids never become label values


def test_unknown_paths_share_one_label(client):
    before = sample(
        "tenant_config_http_requests_total", method="GET", route="<unmatched>", status="404"
    )
    client.get("/no/such/path/1")
    client.get("/no/such/path/2")
    after = sample(
        "tenant_config_http_requests_total", method="GET", route="<unmatched>", status="404"
    )
    assert after == before + 2


def test_pool_in_use_follows_checkouts(app):
    with app.app_context():
        first = db.engine.connect()
        second = db.engine.connect()
        assert sample("tenant_config_db_pool_connections_in_use") == 2
        first.close()
        assert sample("tenant_config_db_pool_connections_in_use") == 1
        second.close()
        assert sample("tenant_config_db_pool_connections_in_use") == 0


@pytest.fixture
def guarded(app, database_url, jwks_file, tmp_path):
    settings = make_settings(tmp_path, database_url, jwks_file, metrics_require_token=True)
    return create_app(settings).test_client()


def test_metrics_token_can_be_required(guarded, make_token):
    assert guarded.get("/metrics").status_code == 401
    reader = {"Authorization": f"Bearer {make_token()}"}
    response = guarded.get("/metrics", headers=reader)
    assert response.status_code == 403
    assert response.content_type == "application/problem+json"
    scraper = {"Authorization": f"Bearer {make_token(scopes=[METRICS_READ])}"}
    assert guarded.get("/metrics", headers=scraper).status_code == 200


def test_metrics_need_no_token_by_default(client):
    assert client.get("/metrics").status_code == 200
