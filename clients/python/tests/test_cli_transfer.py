"""`tcfg integrations list`, export, import (each conflict policy), compare and lookup."""

from __future__ import annotations

import json

import pytest
import yaml
from cli_runner import Tcfg, add_integration
from partners import CONNECTOR

from tenant_config.platform import scopes
from tests.support.tokens import SENSITIVE_SCOPES

pytestmark = pytest.mark.slow


@pytest.fixture
def tcfg(service, make_token, partner) -> Tcfg:
    """`tcfg` as an administrator of the partner's tenant who may read secrets."""
    return Tcfg(service, make_token(scopes=SENSITIVE_SCOPES, tenants=[partner.admin.tenant]))


def values(tcfg: Tcfg, integration: str) -> dict[str, str]:
    return {item["name"]: item["value"] for item in tcfg.json("configs", "list", integration)}


def test_integrations_are_listed_by_connector(tcfg, partner):
    add_integration(partner, "prod")

    listed = tcfg.json("integrations", "list", "--connector", CONNECTOR)
    assert sorted(item["name"] for item in listed) == ["ops", "prod"]
    assert tcfg.json("integrations", "list", "--connector", "OTHER") == []
    assert "prod" in tcfg.ok("integrations", "list").stdout
    as_yaml = tcfg.ok("-o", "yaml", "integrations", "list", "--name", "prod").stdout
    assert [item["name"] for item in yaml.safe_load(as_yaml)] == ["prod"]


def test_export_then_import_with_each_conflict_policy(tcfg, partner, tmp_path):
    add_integration(partner, "prod")
    tcfg.ok("configs", "set", "ops", "http", "timeout", "--value", "30")
    tcfg.ok("configs", "set", "ops", "http", "apiKey", "--value", "s3cr3t",
            "--sensitive", "--i-know-argv-is-visible")  # fmt: skip
    tcfg.ok("configs", "set", "prod", "http", "timeout", "--value", "90")
    exported = tcfg.ok("export", "ops").stdout
    assert {op["body"]["name"] for op in json.loads(exported)["operations"]} == {
        "timeout",
        "apiKey",
    }
    file = tmp_path / "ops.json"
    file.write_text(exported)

    aborted = tcfg("import", "prod", str(file))
    assert aborted.exit_code == 3
    assert "traceId: " in aborted.stderr
    assert values(tcfg, "prod") == {"timeout": "90"}

    skipped = tcfg.json("import", "prod", str(file), "--on-conflict", "skip")
    assert sorted(result["outcome"] for result in skipped["results"]) == ["created", "skipped"]
    assert values(tcfg, "prod") == {"timeout": "90", "apiKey": "s3cr3t"}

    overwritten = tcfg.ok("import", "prod", str(file), "--on-conflict", "overwrite")
    assert "updated" in overwritten.stdout
    assert values(tcfg, "prod") == {"timeout": "30", "apiKey": "s3cr3t"}


def test_import_refuses_a_file_that_is_no_export(tcfg, tmp_path):
    file = tmp_path / "notes.json"
    file.write_text('{"timeout": 30}')
    refused = tcfg("import", "ops", str(file))
    assert refused.exit_code == 1
    assert "operations" in refused.stderr


def test_compare_two_integrations_name_by_name(tcfg, partner):
    add_integration(partner, "prod")
    tcfg.ok("configs", "set", "ops", "http", "timeout", "--value", "30")
    tcfg.ok("configs", "set", "ops", "http", "retries", "--value", "3")
    tcfg.ok("configs", "set", "ops", "log", "level", "--value", "INFO")
    tcfg.ok("configs", "set", "prod", "http", "timeout", "--value", "90")
    tcfg.ok("configs", "set", "prod", "http", "retries", "--value", "3")

    compared = tcfg.json("compare", "ops", "prod")

    assert [item["name"] for item in compared["onlyHere"]] == ["level"]
    assert [item["name"] for item in compared["different"]] == ["timeout"]
    assert compared["same"] == ["retries"]
    table = tcfg.ok("compare", "ops", "prod").stdout
    assert "'30' -> '90'" in table


def test_lookup_as_a_connector_with_client_credentials(tcfg, service, partner, token_endpoint):
    partner.set("messageLogEnabled", "true")
    login = ["--token-url", token_endpoint.url, "--client-id", token_endpoint.client_id]

    answer = tcfg(*login, "-o", "json", "lookup", CONNECTOR, partner.id,
                  TCFG_TOKEN="", TCFG_CLIENT_SECRET=token_endpoint.client_secret)  # fmt: skip

    assert answer.exit_code == 0, answer.stderr
    assert json.loads(answer.stdout)["messageLogConfigs"]["messageLogEnabled"] is True
    refused = tcfg(*login, "lookup", CONNECTOR, partner.id, TCFG_CLIENT_SECRET="wrong")
    assert refused.exit_code == 4


def test_a_token_file_is_read_at_each_run_and_a_missing_scope_is_exit_4(tcfg, make_token, tmp_path):
    file = tmp_path / "token"
    file.write_text(tcfg.env["TCFG_TOKEN"] + "\n")
    assert tcfg("--token-file", str(file), "integrations", "list", TCFG_TOKEN="").exit_code == 0

    file.write_text(make_token(scopes=(scopes.CONFIG_READ,)))
    refused = tcfg("--token-file", str(file), "integrations", "list")

    assert refused.exit_code == 4
    assert "Error: 403" in refused.stderr
    assert "traceId: " in refused.stderr
