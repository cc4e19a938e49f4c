"""The README's connector catalog section, typed as written, against a production gunicorn."""

from __future__ import annotations

import json
import subprocess
import uuid
from pathlib import Path

import pytest
import requests

from tests.support.bodies import integration_body
from tests.support.paths import REPO

pytestmark = [pytest.mark.slow]

SECTION = "\n## Connector catalog and parameter definitions\n"
ADMIN = "ConnTenantConfigApi:Admin"
MY_CONNECTOR = """\
code: MY_CONNECTOR
displayName: My connector
parameters:
  - {group: settings, name: retries, type: integer, minimum: 0, default: 3}
"""


def sh_blocks() -> list[list[str]]:
    """The section's `sh` blocks, each as its commands (continuation lines joined)."""
    text = (REPO / "README.md").read_text()
    section = text[text.index(SECTION) + len(SECTION) :]
    section = section[: section.index("\n## ")]
    blocks = []
    for chunk in section.split("```sh\n")[1:]:
        block = chunk[: chunk.index("```")].replace("\\\n", "")
        lines = [line.split("  #")[0].strip() for line in block.splitlines()]
        blocks.append([line for line in lines if line and not line.startswith("#")])
    return blocks


def run(command: str, env: dict[str, str], server) -> str:
    command = command.replace("127.0.0.1:8080", f"127.0.0.1:{server.port}")
    done = subprocess.run(
        ["sh", "-c", command], cwd=REPO, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, (command, done.stdout, done.stderr)
    return done.stdout


def test_the_readme_catalog_commands_work_as_written(serve, make_token, tmp_path: Path):
    server = serve()
    env = server.env | {"PATH": f"{REPO / '.venv' / 'bin'}:{server.env['PATH']}"}
    load, admin, lookup = sh_blocks()

    shipped, mine, dry_run = load
    assert "catalog load" in shipped
    assert "BIGCOMMERCE_OSERIES: connector unchanged" in run(shipped, env, server)
    (tmp_path / "my-connector.yaml").write_text(MY_CONNECTOR)
    mine = mine.replace("my-connector.yaml", str(tmp_path / "my-connector.yaml"))
    dry_run = dry_run.replace("my-connector.yaml", str(tmp_path / "my-connector.yaml"))
    assert "MY_CONNECTOR: connector created" in run(dry_run, env, server)
    assert "MY_CONNECTOR: connector created" in run(mine, env, server)
    assert requests.get(server.url("/connectors/MY_CONNECTOR"), timeout=5).status_code == 401

    env["ADMIN_TOKEN"] = make_token(scopes=[ADMIN])
    put_connector, post_parameter = admin
    connector = json.loads(run(put_connector, env, server))
    definition = json.loads(run(post_parameter, env, server))
    code = connector["code"]
    assert (definition["name"], definition["type"], definition["default"]) == (
        "messageLogEnabled",
        "boolean",
        "false",
    )

    tenant = str(uuid.uuid4())
    env["TOKEN"] = make_token(tenants=[tenant])
    headers = {"Authorization": f"Bearer {env['TOKEN']}"}
    body = integration_body(tenant, connector=code)
    created = requests.post(
        server.url("/tenantintegrations"), json=body, headers=headers, timeout=5
    )
    assert created.status_code == 201, created.text
    env |= {"CONNECTOR": code, "PT": body["partnerTenant"]}
    (command,) = lookup
    assert json.loads(run(command, env, server)) == {
        "messageLogConfigs": {"messageLogEnabled": False}
    }
