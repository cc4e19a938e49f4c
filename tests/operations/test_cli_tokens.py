"""`dev-token --print-curl` describes the token it made; `make token` and `make run` as shown."""

from __future__ import annotations

import itertools
import json
import os
import re
import shlex
import signal
import subprocess
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests
from joserfc import jwt
from joserfc.jwk import KeySet

from tenant_config.app import create_app
from tenant_config.operations.cli import EXAMPLE_TENANT, duration
from tenant_config.operations.serving import curl_target
from tenant_config.platform import scopes
from tenant_config.platform.settings import Settings
from tests.support.needs import unavailable
from tests.support.paths import REPO
from tests.support.servers import free_port

HEADLINE = re.compile(
    r"^A development token for (?P<sub>\S+), "
    r"valid for (?P<ttl>[a-z0-9 ]+) \(until (?P<until>.+)\):$"
)
CURL = re.compile(r"^  curl -H 'Authorization: Bearer (?P<token>[\w.-]+)' (?P<url>\S+)$")
CONNECTOR = "BIGCOMMERCE_OSERIES"


@pytest.fixture
def dev_app(app, database_url, tmp_path):
    """A development app on the migrated test database; it makes its keys under tmp_path."""
    environ = {
        "TENANT_CONFIG_ENV": "development",
        "TENANT_CONFIG_INSTANCE_PATH": str(tmp_path),
        "TENANT_CONFIG_DATABASE_URL": database_url,
    }
    return create_app(Settings.from_env(environ))


def verified_claims(token: str, instance: Path) -> dict:
    """Check the token against the development JWKS and return its claims."""
    keys = KeySet.import_key_set(json.loads((instance / "dev-jwks.json").read_text()))
    return jwt.decode(token, keys, algorithms=["RS256"]).claims


def print_curl(dev_app, *args: str) -> str:
    result = dev_app.test_cli_runner().invoke(args=["dev-token", "--print-curl", *args])
    assert result.exit_code == 0, result.output
    return result.output


def parse(output: str) -> dict:
    """Read the description back: the headline, `label: value` lines, the curl line."""
    lines = output.splitlines()
    described = HEADLINE.match(lines[0]).groupdict()
    for line in lines[1:]:
        if curl := CURL.match(line):
            described |= curl.groupdict()
        elif labelled := re.match(r"^  ([a-z ]+): +(.+)$", line):
            described[labelled[1]] = labelled[2]
    return described


def words(value: str) -> list[str]:
    return [] if value == "none" else value.split()


def test_unit_words_for_durations():
    assert [duration(s) for s in (1, 59, 60, 600, 3600, 5400, 3661, 86400)] == [
        "1 second",
        "59 seconds",
        "1 minute",
        "10 minutes",
        "1 hour",
        "1 hour 30 minutes",
        "1 hour 1 minute 1 second",
        "24 hours",
    ]


TENANT = str(uuid.uuid4())
CLIENT = str(uuid.uuid4())
OPTION_SETS = {
    "defaults": [],
    "tenant": ["--tenant", TENANT],
    "two-tenants-short-ttl": ["--tenant", TENANT, "--tenant", EXAMPLE_TENANT, "--ttl", "600"],
    "client-only": ["--client", CLIENT],
    "connector": ["--partner-tenant", f"{CONNECTOR}:pt-1", "--scope", scopes.CONFIG_READ],
    "admin": ["--admin", "--ttl", "90"],
    "admin-for-a-tenant": ["--admin", "--tenant", TENANT],
    "sensitive": ["--sensitive", "--ttl", "5400", "--subject", "me@example.com"],
}


@pytest.mark.parametrize("options", OPTION_SETS)
def test_the_description_is_the_token(options, dev_app, tmp_path):
    described = parse(print_curl(dev_app, *OPTION_SETS[options]))
    claims = verified_claims(described["token"], tmp_path)
    granted = claims["scope"].split()
    assert described["sub"] == claims["sub"]
    assert described["ttl"] == duration(claims["exp"] - claims["iat"])
    until = datetime.fromtimestamp(claims["exp"], UTC).strftime("%Y-%m-%d %H:%M:%S UTC")
    assert described["until"] == until
    assert words(described["tenants"]) == claims["tenants"]
    assert words(described["clients"]) == claims["clients"]
    assert words(described["partner tenants"]) == claims["partner_tenants"]
    assert described["scopes"].split() == granted
    assert described["admin"].startswith("yes") == (scopes.ADMIN in granted)
    revealed = described["sensitive values"] == "revealed"
    assert revealed == (scopes.CONFIG_READ_SENSITIVE in granted)


def test_the_description_says_what_the_options_asked(dev_app, tmp_path):
    """Against fixed expectations too, so that a wrong token cannot agree with its description."""
    default = parse(print_curl(dev_app))
    assert (default["ttl"], default["tenants"], default["admin"]) == (
        "1 hour",
        EXAMPLE_TENANT,
        "no",
    )
    assert default["sensitive values"].startswith("masked")
    short = parse(print_curl(dev_app, "--ttl", "600", "--tenant", TENANT, "--sensitive"))
    assert (short["ttl"], short["tenants"], short["sensitive values"]) == (
        "10 minutes",
        TENANT,
        "revealed",
    )
    admin = parse(print_curl(dev_app, "--admin"))
    assert (admin["tenants"], admin["admin"]) == ("none", "yes (sees every tenant)")


@pytest.mark.parametrize(
    "options",
    [["--client", CLIENT], ["--partner-tenant", f"{CONNECTOR}:pt-1"], ["--admin"]],
)
def test_no_example_tenant_when_the_token_names_its_callers(options, dev_app, tmp_path):
    result = dev_app.test_cli_runner().invoke(args=["dev-token", *options])
    assert result.exit_code == 0, result.output
    claims = verified_claims(result.output.strip(), tmp_path)
    assert claims["tenants"] == []


def test_a_connector_token_reads_its_partner_tenant_only(dev_app, tmp_path):
    client = dev_app.test_client()
    admin = {"Authorization": f"Bearer {parse(print_curl(dev_app, '--admin'))['token']}"}
    partner = f"pt-{uuid.uuid4()}"
    created = []
    for partner_tenant in (partner, f"other-{uuid.uuid4()}"):
        body = {
            "name": "cli",
            "client": CLIENT,
            "tenant": EXAMPLE_TENANT,
            "partnerTenant": partner_tenant,
            "connector": CONNECTOR,
        }
        integration = client.post("/tenantintegrations", json=body, headers=admin).get_json()
        url = f"/tenantintegrations/{integration['id']}/configs"
        config = client.post(url, json={"group": "g", "name": "n"}, headers=admin)
        assert config.status_code == 201, config.get_json()
        created.append(config.get_json())
    described = parse(
        print_curl(
            dev_app, "--partner-tenant", f"{CONNECTOR}:{partner}", "--scope", scopes.CONFIG_READ
        )
    )
    assert described["tenants"] == "none"
    path = described["url"].removeprefix("http://127.0.0.1:8080")
    assert path == f"/connectors/{CONNECTOR}/partnertenants/{partner}/configs"
    headers = {"Authorization": f"Bearer {described['token']}"}
    answer = client.get(path, headers=headers)
    assert answer.status_code == 200
    assert answer.get_json()["content"] == [created[0]]
    other = f"/connectors/{CONNECTOR}/partnertenants/{created[1]['partnerTenant']}/configs"
    assert client.get(other, headers=headers).get_json()["content"] == []


def test_a_partner_tenant_without_its_connector_is_refused(dev_app):
    result = dev_app.test_cli_runner().invoke(args=["dev-token", "--partner-tenant", "pt-1"])
    assert result.exit_code == 2
    assert "CONNECTOR:partnerTenant" in result.output
    assert "eyJ" not in result.output


@pytest.mark.parametrize(
    ("bind", "options", "base"),
    [
        ("", "", "http://127.0.0.1:8080"),
        ("127.0.0.1:9000", "", "http://127.0.0.1:9000"),
        ("0.0.0.0:8080,[::]:8080", "", "http://127.0.0.1:8080"),
        ("[::]:9001", "", "http://[::1]:9001"),
        ("[::1]:9002", "", "http://[::1]:9002"),
        ("localhost", "", "http://localhost:8000"),
        ("tcp://10.1.2.3:7000", "", "http://10.1.2.3:7000"),
        ("unix:/run/tc.sock", "--unix-socket /run/tc.sock ", "http://localhost"),
    ],
)
def test_every_printed_url_is_the_bound_address(bind, options, base, dev_app, monkeypatch):
    monkeypatch.setenv("TENANT_CONFIG_BIND", bind)
    output = print_curl(dev_app)
    urls = re.findall(r"https?://\S+", output)
    assert len(urls) == 3  # the curl, the docs and the admin UI
    assert f"Admin UI: {base}/ui/" in output
    assert all(url.startswith(f"{base}/") for url in urls), urls
    assert f"  curl {options}-H 'Authorization" in output
    assert curl_target(bind or "127.0.0.1:8080") == (options, base)


def _environ(instance: Path, **extra: str) -> dict[str, str]:
    # As from a shell of one's own: no settings, and no outer make (`make test`) to report to.
    ours = ("TENANT_CONFIG_", "MAKE", "MFLAGS")
    kept = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    return kept | {"TENANT_CONFIG_INSTANCE_PATH": str(instance)} | extra


def _installed() -> bool:
    """True when `make` would not reinstall the virtualenv (a test must not run pip)."""
    done = subprocess.run(["make", "-q", ".venv/.installed"], cwd=REPO, check=False)
    return done.returncode == 0


def readme_block(after: str) -> list[str]:
    """The commands of the first `sh` block after the text `after`, continuation lines joined."""
    text = (REPO / "README.md").read_text()
    section = text[text.index(after) :]
    block = section[section.index("```sh\n") + 6 :]
    block = block[: block.index("```")].replace("\\\n", "")
    return [line.split("  #")[0].strip() for line in block.splitlines() if line[:1] not in "#"]


def readme_token_commands() -> list[str]:
    """Every `make token ...` command the README's Development tokens section shows."""
    return [line for line in readme_block("\n## Development tokens\n") if line]


def expected_claims(command: str) -> dict:
    """What the README line asks for, read from its ARGS."""
    args = shlex.split(shlex.split(command)[-1].removeprefix("ARGS=")) if "ARGS=" in command else []
    wanted: dict = {"tenants": [], "clients": [], "partner_tenants": [], "scopes": []}
    wanted |= {"flags": set(), "ttl": 3600, "sub": "developer@example.com"}
    for flag, value in itertools.pairwise([*args, None]):
        if flag == "--tenant":
            wanted["tenants"].append(value)
        elif flag == "--client":
            wanted["clients"].append(value)
        elif flag == "--partner-tenant":
            wanted["partner_tenants"].append(value)
        elif flag == "--subject":
            wanted["sub"] = value
        elif flag == "--scope":
            wanted["scopes"].append(value)
        elif flag == "--ttl":
            wanted["ttl"] = int(value)
        elif flag in ("--admin", "--sensitive"):
            wanted["flags"].add(flag)
    named = wanted["tenants"] or wanted["clients"] or wanted["partner_tenants"]
    if not named and "--admin" not in wanted["flags"]:
        wanted["tenants"] = [EXAMPLE_TENANT]
    return wanted


@pytest.mark.slow
def test_the_readme_token_commands_work_as_written(tmp_path):
    if not _installed():
        unavailable(".venv is older than pyproject.toml: run `make .venv/.installed` first")
    commands = readme_token_commands()
    assert len(commands) >= 8, commands
    assert all(command.startswith("make token") for command in commands), commands
    for command in commands:
        done = subprocess.run(
            ["sh", "-c", command],
            cwd=REPO,
            env=_environ(tmp_path),
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert done.returncode == 0, (command, done.stderr)
        output = done.stdout.strip()
        if "--help" in command:
            assert output.startswith("Usage:")
            assert "--partner-tenant" in output
            continue
        token = parse(output)["token"] if "--print-curl" in command else output
        claims = verified_claims(token, tmp_path)
        wanted = expected_claims(command)
        granted = claims["scope"].split()
        for claim in ("tenants", "clients", "partner_tenants", "sub"):
            assert claims[claim] == wanted[claim], (command, claim)
        assert claims["exp"] - claims["iat"] == wanted["ttl"], command
        assert set(wanted["scopes"]) <= set(granted), command
        assert ("--admin" in wanted["flags"]) == (scopes.ADMIN in granted), command
        sensitive = scopes.CONFIG_READ_SENSITIVE in granted
        assert ("--sensitive" in wanted["flags"]) == sensitive, command


def readme_run_on_another_port() -> str:
    """The README's line that starts the server on another port."""
    (line,) = [line for line in readme_block("Port 8080 taken?") if "TENANT_CONFIG_BIND" in line]
    return line


@pytest.mark.slow
def test_make_run_prints_the_url_it_serves(tmp_path):
    """`make run` on another port: its printed curl, run as printed, reaches the server."""
    if not _installed():
        unavailable(".venv is older than pyproject.toml: run `make .venv/.installed` first")
    port = free_port()
    command = re.sub(r"127\.0\.0\.1:\d+", f"127.0.0.1:{port}", readme_run_on_another_port())
    assert command == f"TENANT_CONFIG_BIND=127.0.0.1:{port} make run"
    stdout = tmp_path / "stdout.txt"
    with stdout.open("wb") as sink:
        server = subprocess.Popen(
            ["sh", "-c", command],
            cwd=REPO,
            env=_environ(tmp_path / "instance"),
            stdout=sink,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    try:
        curl = _wait_for_curl(stdout, server)
        printed = re.findall(r"https?://[^\s']+", stdout.read_text())
        assert printed, stdout.read_text()
        assert all(url.startswith(f"http://127.0.0.1:{port}/") for url in printed), printed
        _wait_until_serving(port, server)
        done = subprocess.run(
            [*shlex.split(curl), "-s", "-o", "/dev/null", "-w", "%{http_code}"],
            capture_output=True,
            text=True,
            timeout=30,
            check=False,
        )
        assert done.stdout == "200", done
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(30)


def _wait_for_curl(stdout: Path, server: subprocess.Popen) -> str:
    for _ in range(1200):
        for line in stdout.read_text().splitlines():
            if line.startswith("  curl "):
                return line.strip()
        assert server.poll() is None, stdout.read_text()
        time.sleep(0.1)
    raise AssertionError(f"no curl line printed:\n{stdout.read_text()}")


def _wait_until_serving(port: int, server: subprocess.Popen) -> None:
    for _ in range(600):
        try:
            if requests.get(f"http://127.0.0.1:{port}/health/live", timeout=2).ok:
                return
        except requests.RequestException:
            pass
        assert server.poll() is None
        time.sleep(0.1)
    raise AssertionError("the server never answered")
