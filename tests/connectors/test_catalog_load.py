"""`flask --app wsgi catalog load`: definition files into the catalog, through the services."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

import pytest

from tests.support.bodies import integration_body
from tests.support.catalog import ADMIN_SCOPE
from tests.support.tokens import ALL_SCOPES

SHIPPED = ("ARIBA2_OSERIES", "BIGCOMMERCE_OSERIES", "SAPTAX_OSERIES")


@pytest.fixture
def admin(make_token) -> dict[str, str]:
    return {"Authorization": f"Bearer {make_token(scopes=[ADMIN_SCOPE, *ALL_SCOPES])}"}


@pytest.fixture
def code() -> str:
    return f"TEST_{uuid.uuid4().hex[:12].upper()}"


def connector_file(tmp_path: Path, code: str, *parameters: dict, **fields) -> Path:
    document = {"code": code, "displayName": f"Loaded {code}", **fields}
    document["parameters"] = list(parameters)
    path = tmp_path / f"{code}-{uuid.uuid4().hex[:6]}.json"
    path.write_text(json.dumps(document))
    return path


LOGGING = {"group": "log", "name": "logging", "type": "boolean", "default": False}
TIMEOUT = {"group": "net", "name": "timeout", "type": "integer", "minimum": 1, "maximum": 60}


def load(app, *args: str):
    return app.test_cli_runner().invoke(args=["catalog", "load", *map(str, args)])


def parameters(client, admin, code: str) -> dict[str, dict]:
    url = f"/connectors/{code}/parameters?pageSize=100"
    return {p["name"]: p for p in client.get(url, headers=admin).get_json()["content"]}


def history(client, admin, code: str, name: str) -> list[tuple[int, str, str]]:
    url = f"/connectors/{code}/parameters/{name}/versions?pageSort=version"
    rows = client.get(url, headers=admin).get_json()["content"]
    return [(row["version"], row["operation"], row["updatedBy"]) for row in rows]


def test_a_new_file_creates_the_connector_and_its_parameters(app, client, admin, tmp_path, code):
    path = connector_file(tmp_path, code, LOGGING, TIMEOUT, description="From a file")
    result = load(app, path)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{code}: connector created; parameters 2 created, 0 replaced, 0 unchanged, 0 kept"
    ]
    connector = client.get(f"/connectors/{code}", headers=admin).get_json()
    assert (connector["displayName"], connector["description"]) == (f"Loaded {code}", "From a file")
    loaded = parameters(client, admin, code)
    assert (loaded["logging"]["default"], loaded["timeout"]["maximum"]) == ("false", 60)
    assert history(client, admin, code, "timeout") == [(0, "CREATE", "catalog load")]

    again = load(app, path)
    assert again.exit_code == 0, again.output
    assert again.stdout.splitlines() == [
        f"{code}: connector unchanged; parameters 0 created, 0 replaced, 2 unchanged, 0 kept"
    ]
    assert history(client, admin, code, "timeout") == [(0, "CREATE", "catalog load")]


def test_a_changed_file_replaces_what_differs_and_keeps_what_it_does_not_name(
    app, client, admin, tmp_path, code
):
    assert load(app, connector_file(tmp_path, code, LOGGING, TIMEOUT)).exit_code == 0
    extra = {"group": "g", "name": "extra", "type": "string"}
    assert client.post(f"/connectors/{code}/parameters", json=extra, headers=admin)
    changed = connector_file(
        tmp_path, code, LOGGING | {"label": "Logging"}, displayName="Renamed", strict=False
    )
    result = load(app, changed)
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"{code}: connector replaced; parameters 0 created, 1 replaced, 0 unchanged, 2 kept "
        "(in the database, not in the file: extra, timeout)"
    ]
    assert client.get(f"/connectors/{code}", headers=admin).get_json()["displayName"] == "Renamed"
    loaded = parameters(client, admin, code)
    assert set(loaded) == {"logging", "timeout", "extra"}
    assert loaded["logging"]["label"] == "Logging"
    assert [row[:2] for row in history(client, admin, code, "logging")] == [
        (0, "CREATE"),
        (1, "UPDATE"),
    ]


def test_a_dry_run_reports_and_changes_nothing(app, client, admin, tmp_path, code):
    result = load(app, connector_file(tmp_path, code, LOGGING), "--dry-run")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        f"(dry run) {code}: connector created; parameters 1 created, 0 replaced, "
        "0 unchanged, 0 kept",
        "Dry run: nothing changed.",
    ]
    assert client.get(f"/connectors/{code}", headers=admin).status_code == 404
    url = f"/connectors/{code}/parameters/logging/versions"
    assert client.get(url, headers=admin).status_code == 404


def test_an_invalidating_change_is_refused_whole_unless_forced(
    app, client, admin, tmp_path, code, tenant
):
    assert load(app, connector_file(tmp_path, code, LOGGING)).exit_code == 0
    body = integration_body(tenant, connector=code)
    integration = client.post("/tenantintegrations", json=body, headers=admin).get_json()
    configs = f"/tenantintegrations/{integration['id']}/configs"
    config = client.post(
        configs, json={"group": "net", "name": "timeout", "value": "600"}, headers=admin
    ).get_json()
    changed = connector_file(
        tmp_path, code, LOGGING | {"label": "New"}, TIMEOUT, displayName="Not yet"
    )
    refused = load(app, changed)
    assert refused.exit_code == 1
    assert f"{code}: not loaded: parameter 'timeout'" in refused.stderr
    assert config["id"] in refused.stderr
    assert "600" not in refused.output.replace(config["id"], "")
    assert refused.stdout == ""
    assert client.get(f"/connectors/{code}", headers=admin).get_json()["displayName"] != "Not yet"
    loaded = parameters(client, admin, code)
    assert set(loaded) == {"logging"}
    assert loaded["logging"]["label"] is None

    forced = load(app, changed, "--force")
    assert forced.exit_code == 0, forced.output
    assert forced.stdout.splitlines() == [
        f"{code}: connector replaced; parameters 1 created, 1 replaced, 0 unchanged, 0 kept; "
        "1 stored config(s) do not satisfy them (forced)"
    ]
    assert parameters(client, admin, code)["timeout"]["maximum"] == 60


def write(tmp_path: Path, name: str, content: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content)
    return path


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("broken.yaml", b"code: [unclosed\n  x: {", "cannot be read"),
        ("latin1.yaml", b"code: CAF\xc9\n", "cannot be read"),
        ("list.yaml", b"- code: X\n", "must hold one connector"),
        ("lower.json", b'{"code": "lower", "displayName": "x"}', "code"),
        (
            "unsound.json",
            b'{"code": "X_UNSOUND", "displayName": "x", "parameters": '
            b'[{"group": "g", "name": "n", "type": "integer", "default": "many"}]}',
            "default",
        ),
        (
            "twice.json",
            b'{"code": "X_TWICE", "displayName": "x", "parameters": ['
            b'{"group": "g", "name": "n", "type": "string"},'
            b'{"group": "g", "name": "n", "type": "integer"}]}',
            "Defined twice",
        ),
        ("unknown.json", b'{"code": "X_UNKNOWN", "displayName": "x", "colour": "red"}', "colour"),
        ("nul.json", b'{"code": "X_NUL", "displayName": "a\\u0000b"}', "displayName"),
    ],
)
def test_an_unreadable_or_unsound_file_loads_nothing(
    app, client, admin, tmp_path, code, name, content, says
):
    good = connector_file(tmp_path, code, LOGGING)
    result = load(app, good, write(tmp_path, name, content))
    assert result.exit_code != 0
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert name in line
    assert says in line
    assert client.get(f"/connectors/{code}", headers=admin).status_code == 404


def test_a_missing_file_and_two_files_of_one_connector_are_refused(app, tmp_path, code):
    missing = load(app, tmp_path / "nowhere.yaml")
    assert missing.exit_code != 0
    assert "nowhere.yaml" in missing.output
    twice = load(app, connector_file(tmp_path, code), connector_file(tmp_path, code))
    assert twice.exit_code == 1
    assert f"more than one file defines {code}" in twice.stderr


def test_loading_the_shipped_files_twice_changes_nothing(app, client, admin):
    for _ in range(2):
        result = load(app)
        assert result.exit_code == 0, result.output
        lines = result.stdout.splitlines()
        assert [line.split(":")[0] for line in lines] == list(SHIPPED)
        for line in lines:
            assert ": connector unchanged; parameters 0 created, 0 replaced, " in line
            assert " unchanged, 0 kept" in line
