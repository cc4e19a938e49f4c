"""`tcfg configs`, history, diff and restore against the real service, by integration name."""

from __future__ import annotations

import pytest
from cli_runner import Tcfg, add_integration

from tests.support.tokens import SENSITIVE_SCOPES

pytestmark = pytest.mark.slow


@pytest.fixture
def tcfg(service, make_token, partner) -> Tcfg:
    """`tcfg` as an administrator of the partner's tenant who may read secrets."""
    return Tcfg(service, make_token(scopes=SENSITIVE_SCOPES, tenants=[partner.admin.tenant]))


def test_set_get_list_and_delete_a_config_by_integration_name(tcfg, partner):
    created = tcfg.json("configs", "set", "ops", "http", "timeout", "--value", "30")
    replaced = tcfg.json("configs", "set", "ops", "http", "timeout", "--value", "60")
    tcfg.ok("configs", "set", partner.integration["id"], "http", "retries", "--value", "3")

    assert (created["value"], created["version"]) == ("30", 0)
    assert (replaced["id"], replaced["value"], replaced["version"]) == (created["id"], "60", 1)
    assert tcfg.json("configs", "get", "ops", "http", "timeout")["value"] == "60"
    listed = tcfg.json("configs", "list", "ops")
    assert [(item["name"], item["value"]) for item in listed] == [
        ("retries", "3"),
        ("timeout", "60"),
    ]
    table = tcfg.ok("configs", "list", "ops").stdout
    assert "timeout" in table
    assert "retries" in table

    tcfg.ok("configs", "delete", "ops", "http", "timeout", "--reason", "OPS-1")
    gone = tcfg("configs", "get", "ops", "http", "timeout")
    assert gone.exit_code == 2
    assert "was deleted" in gone.stderr


def test_a_sensitive_value_is_prompted_without_echo_and_refused_from_argv(tcfg):
    refused = tcfg("configs", "set", "ops", "http", "apiKey", "--sensitive", "--value", "s3cr3t")
    assert refused.exit_code == 1
    assert "--i-know-argv-is-visible" in refused.stderr
    assert tcfg("configs", "get", "ops", "http", "apiKey").exit_code == 2  # nothing written

    prompted = tcfg.ok("configs", "set", "ops", "http", "apiKey", "--sensitive",
                       input="s3cr3t\ns3cr3t\n")  # fmt: skip

    assert "Value of http/apiKey" in prompted.output
    assert "s3cr3t" not in prompted.output  # neither echoed nor shown back
    assert "********" in prompted.stdout
    stored = tcfg.json("configs", "get", "ops", "http", "apiKey")
    assert (stored["value"], stored["sensitive"]) == ("s3cr3t", True)
    # A replacement stays sensitive, so it is prompted for again.
    tcfg.ok("configs", "set", "ops", "http", "apiKey", input="n3w\nn3w\n")
    assert tcfg.json("configs", "get", "ops", "http", "apiKey")["value"] == "n3w"
    forced = tcfg(
        "configs", "set", "ops", "http", "apiKey", "--value", "v", "--i-know-argv-is-visible"
    )
    assert forced.exit_code == 0, forced.stderr


def test_history_diff_and_restore_even_after_a_delete(tcfg):
    tcfg.ok("configs", "set", "ops", "log", "level", "--value", "INFO", "--reason", "first setup")
    tcfg.ok("configs", "set", "ops", "log", "level", "--value", "DEBUG")

    changes = tcfg.json("diff", "ops", "log", "level", "0", "1")["changes"]
    assert changes == [{"field": "value", "from": "INFO", "to": "DEBUG"}]
    restored = tcfg.json("restore", "ops", "log", "level", "0", "--reason", "undo")
    assert (restored["value"], restored["version"]) == ("INFO", 2)

    tcfg.ok("configs", "delete", "ops", "log", "level")
    undeleted = tcfg.json("restore", "ops", "log", "level", "1")
    assert (undeleted["value"], undeleted["version"]) == ("DEBUG", 4)
    rows = tcfg.json("history", "ops", "log", "level")
    assert [(row["version"], row["operation"], row["reason"]) for row in rows] == [
        (4, "RESTORE", None),
        (3, "DELETE", None),
        (2, "RESTORE", "undo"),
        (1, "UPDATE", None),
        (0, "CREATE", "first setup"),
    ]
    assert "RESTORE" in tcfg.ok("history", "ops", "log", "level").stdout


def test_errors_show_detail_and_trace_id_with_stable_exit_codes(tcfg, service, partner):
    missing = tcfg("configs", "list", "00000000-0000-4000-8000-000000000000")
    assert missing.exit_code == 2
    assert "Error: 404" in missing.stderr
    assert "detail: " in missing.stderr
    assert "traceId: " in missing.stderr

    invalid = tcfg("configs", "set", "ops", "g", "x" * 300, "--value", "v")
    assert invalid.exit_code == 1
    assert "name: " in invalid.stderr
    assert "traceId: " in invalid.stderr

    assert tcfg("configs", "list", "ops", TCFG_TOKEN="not-a-token").exit_code == 4
    assert tcfg("configs", "list", "nope").exit_code == 2
    add_integration(partner, "ops")
    ambiguous = tcfg("configs", "list", "ops")
    assert ambiguous.exit_code == 1
    assert "2 integrations are named 'ops'" in ambiguous.stderr
    assert partner.integration["id"] in ambiguous.stderr
    down = tcfg("--url", "http://127.0.0.1:9", "integrations", "list")
    assert down.exit_code == 5
    assert "could not be reached" in down.stderr
    assert tcfg("configs", "list", "ops", "--bogus").exit_code == 1
