"""JSON log lines: one per request, the trace id on each, no secret at any level, no injection."""

from __future__ import annotations

import json
import logging
import uuid

import pytest
from flask import Flask

from tenant_config.app import create_app
from tenant_config.platform import scopes
from tests.support.settings import make_settings
from tests.support.tokens import ALL_SCOPES

UNREACHABLE = "postgresql+psycopg://tc:CANARY-DSN-PASSWORD@127.0.0.1:1/tc"


@pytest.fixture
def log_app(app, database_url, jwks_file, tmp_path):
    """An app with its own logging settings; the root level is put back afterwards."""
    level = logging.getLogger().level

    def build(**overrides) -> Flask:
        url = overrides.pop("database_url", database_url)
        return create_app(make_settings(tmp_path, url, jwks_file, **overrides))

    yield build
    logging.getLogger().setLevel(level)


def json_lines(text: str) -> list[dict]:
    """Parse every non-empty line; fail if one is not a JSON object."""
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def test_one_access_line_per_request(log_app, capsys, make_token, tenant):
    client = log_app().test_client()
    token = make_token(tenants=[tenant], email="alice@example.com")
    capsys.readouterr()
    integration_id = uuid.uuid4()
    response = client.get(
        f"/tenantintegrations/{integration_id}",
        headers={"Authorization": f"Bearer {token}", "X-Request-ID": "trace-abc-1"},
    )
    assert response.status_code == 404
    (line,) = [
        x for x in json_lines(capsys.readouterr().out) if x["logger"] == "tenant_config.access"
    ]
    assert line["method"] == "GET"
    assert line["route"] == "/tenantintegrations/<uuid:integration_id>"
    assert line["path"] == f"/tenantintegrations/{integration_id}"
    assert line["status"] == 404
    assert line["traceId"] == "trace-abc-1"
    assert line["identity"] == "alice@example.com"
    assert isinstance(line["durationMs"], float)
    assert line["time"].endswith("Z")
    assert line["level"] == "INFO"


def test_trace_id_is_on_every_line_of_the_request(log_app, capsys, make_token):
    client = log_app(database_url=UNREACHABLE, db_connect_timeout=1).test_client()
    capsys.readouterr()
    parent = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    headers = {"Authorization": f"Bearer {make_token()}", "traceparent": parent}
    assert client.get("/tenantintegrations", headers=headers).status_code == 503
    lines = json_lines(capsys.readouterr().out)
    assert {line["logger"] for line in lines} >= {
        "tenant_config.platform.problem_responses",
        "tenant_config.access",
    }
    assert {line["traceId"] for line in lines} == {"4bf92f3577b34da6a3ce929d0e0e4736"}


def test_log_level_is_configurable(log_app, capsys):
    client = log_app(log_level="WARNING").test_client()
    capsys.readouterr()
    assert client.get("/health/live").status_code == 200
    assert capsys.readouterr().out == ""


def test_no_token_password_or_value_in_logs_at_debug(
    log_app, capsys, caplog, make_token, tenant, jwks_file
):
    caplog.set_level(logging.DEBUG)
    canary = f"CANARY-{uuid.uuid4()}"
    token = make_token(tenants=[tenant], scopes=(*ALL_SCOPES, scopes.CONFIG_READ_SENSITIVE))
    bad_token = token[:-4] + "AAAA"
    client = log_app(log_level="DEBUG").test_client()
    headers = {"Authorization": f"Bearer {token}"}
    body = {
        "name": "canary-integration",
        "client": str(uuid.uuid4()),
        "tenant": tenant,
        "partnerTenant": str(uuid.uuid4()),
        "connector": "BIGCOMMERCE_OSERIES",
    }
    integration = client.post("/tenantintegrations", json=body, headers=headers).get_json()
    configs = f"/tenantintegrations/{integration['id']}/configs"
    for sensitive in (False, True):
        created = client.post(
            configs,
            json={"group": "g", "name": f"p{sensitive}", "value": canary, "sensitive": sensitive},
            headers=headers,
        )
        assert created.status_code == 201, created.get_json()
        url = f"{configs}/{created.get_json()['id']}"
        assert client.get(url, headers=headers).get_json()["value"] == canary
        changed = client.put(
            url,
            json={"group": "g", "name": f"p{sensitive}", "value": canary + "-2", "version": 0},
            headers=headers,
        )
        assert changed.status_code == 200, changed.get_json()
    connector, partner = body["connector"], body["partnerTenant"]
    lookup = f"/connectors/{connector}/partnertenants/{partner}/configs"
    assert client.get(lookup, headers=headers).status_code == 200
    assert client.get(f"{configs}?value={canary}", headers=headers).status_code == 400  # unknown
    assert client.get(f"{configs}/versions", headers=headers).status_code == 200
    invalid = {"group": "g", "name": "x", "value": canary * 300, "unknown": canary}
    assert client.post(configs, json=invalid, headers=headers).status_code == 422
    raw = '{"value": "' + canary + '"'
    assert (
        client.post(configs, data=raw, headers=headers, content_type="application/json").status_code
        == 400
    )
    assert client.get(f"{configs}?access_token={token}").status_code in {400, 401}
    assert client.get(configs, headers={"Authorization": f"Bearer {bad_token}"}).status_code == 401
    outage = log_app(database_url=UNREACHABLE, db_connect_timeout=1, log_level="DEBUG")
    assert outage.test_client().get(configs, headers=headers).status_code == 503
    assert outage.test_client().get("/health/ready").status_code == 503

    assert canary not in client.get("/metrics").get_data(as_text=True)
    captured = capsys.readouterr()
    records = "\n".join(repr(vars(record)) for record in caplog.records)
    logged = "\n".join((captured.out, captured.err, caplog.text, records))
    assert len(json_lines(captured.out)) > 10
    for secret in (canary, token, bad_token, token.split(".")[2], "CANARY-DSN-PASSWORD"):
        assert secret not in logged


def test_injected_line_breaks_stay_inside_one_json_line(log_app, capsys, make_token, tenant):
    client = log_app().test_client()
    token = make_token(tenants=[tenant], email="evil\r\nFAKE LOG LINE")
    capsys.readouterr()
    client.get("/tenantintegrations/%0d%0aFAKE%20LOG%20LINE", headers={"Authorization": token})
    client.get(f"/tenantintegrations/{uuid.uuid4()}", headers={"Authorization": f"Bearer {token}"})
    out = capsys.readouterr().out
    assert not any(line.startswith("FAKE") for line in out.splitlines())
    lines = json_lines(out)
    assert len(lines) == 2
    assert lines[0]["path"] == "/tenantintegrations/\r\nFAKE LOG LINE"
    assert lines[1]["identity"] == "evil\r\nFAKE LOG LINE"
