"""`flask --app wsgi dev-token`: tokens the development app accepts, and only there."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from joserfc import jwt
from joserfc.jwk import KeySet

from tenant_config.app import create_app
from tenant_config.platform import scopes
from tenant_config.platform.settings import Settings
from tests.support.bodies import integration_body
from tests.support.paths import REPO
from tests.support.problems import bearer


@pytest.fixture
def dev_app(app, database_url, tmp_path):
    """A development app on the migrated test database; it makes its keys under tmp_path."""
    environ = {
        "TENANT_CONFIG_ENV": "development",
        "TENANT_CONFIG_INSTANCE_PATH": str(tmp_path),
        "TENANT_CONFIG_DATABASE_URL": database_url,
    }
    return create_app(Settings.from_env(environ))


def dev_token(app, *args: str) -> str:
    """Run the command and return the token it prints."""
    result = app.test_cli_runner().invoke(args=["dev-token", *args])
    assert result.exit_code == 0, result.output
    return result.output.strip()


def test_token_for_a_tenant_is_accepted(dev_app):
    tenant = str(uuid.uuid4())
    client = dev_app.test_client()
    headers = bearer(dev_token(dev_app, "--tenant", tenant))
    created = client.post("/tenantintegrations", json=integration_body(tenant), headers=headers)
    assert created.status_code == 201, created.get_json()
    assert created.get_json()["createdBy"] == "developer@example.com"
    listed = client.get("/tenantintegrations", headers=headers).get_json()
    assert [row["id"] for row in listed["content"]] == [created.get_json()["id"]]
    other = integration_body(str(uuid.uuid4()))
    assert client.post("/tenantintegrations", json=other, headers=headers).status_code == 403


def test_admin_token_sees_every_tenant(dev_app):
    tenant = str(uuid.uuid4())
    client = dev_app.test_client()
    owner = bearer(dev_token(dev_app, "--tenant", tenant))
    created = client.post("/tenantintegrations", json=integration_body(tenant), headers=owner)
    admin = bearer(dev_token(dev_app, "--admin"))
    url = f"/tenantintegrations/{created.get_json()['id']}"
    assert client.get(url, headers=admin).status_code == 200
    assert client.get(url, headers=bearer(dev_token(dev_app))).status_code == 404


def test_scope_option_limits_the_token(dev_app):
    client = dev_app.test_client()
    headers = bearer(
        dev_token(dev_app, "--scope", scopes.CONFIG_READ, "--subject", "ci@example.com")
    )
    response = client.get("/tenantintegrations", headers=headers)
    assert response.status_code == 403
    assert f'scope="{scopes.INTEGRATION_READ}"' in response.headers["WWW-Authenticate"]
    assert response.get_json()["encounteredBy"] == "ci@example.com"


def test_token_is_signed_with_the_development_key(dev_app, tmp_path):
    token = dev_token(dev_app, "--tenant", "t1", "--ttl", "60")
    keys = KeySet.import_key_set(json.loads((tmp_path / "dev-jwks.json").read_text()))
    claims = jwt.decode(token, keys, algorithms=["RS256"]).claims
    assert claims["exp"] - claims["iat"] == 60
    assert claims["tenants"] == ["t1"]


def test_refused_when_the_development_key_is_missing(dev_app, tmp_path):
    (tmp_path / "dev-signing-key.pem").unlink()
    result = dev_app.test_cli_runner().invoke(args=["dev-token"])
    assert result.exit_code != 0
    assert "no development key" in result.output
    assert "eyJ" not in result.output


def test_refused_outside_development(make_app, tmp_path):
    app = make_app()
    (tmp_path / "dev-signing-key.pem").write_text("not used outside development")
    result = app.test_cli_runner().invoke(args=["dev-token"])
    assert result.exit_code != 0
    assert "TENANT_CONFIG_ENV=development" in result.output
    assert "eyJ" not in result.output


def _flask(tmp_path: Path, **env: str) -> subprocess.CompletedProcess:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("TENANT_CONFIG_")}
    environ |= {"TENANT_CONFIG_INSTANCE_PATH": str(tmp_path)} | env
    command = [sys.executable, "-m", "flask", "--app", "wsgi", "dev-token", "--tenant", "t1"]
    return subprocess.run(
        command, cwd=REPO, env=environ, capture_output=True, text=True, timeout=60, check=False
    )


def test_command_line_in_development_and_production(tmp_path):
    done = _flask(tmp_path, TENANT_CONFIG_ENV="development")
    assert done.returncode == 0, done.stderr
    assert done.stdout.count(".") == 2
    assert (tmp_path / "dev-signing-key.pem").exists()
    production = {
        "TENANT_CONFIG_ENV": "production",
        "TENANT_CONFIG_JWKS_FILE": str(tmp_path / "dev-jwks.json"),
        "TENANT_CONFIG_JWT_ISSUER": "https://idp.example",
        "TENANT_CONFIG_JWT_AUDIENCE": "tenant-config",
        "TENANT_CONFIG_FERNET_KEYS": Fernet.generate_key().decode(),
    }
    refused = _flask(tmp_path, **production)
    assert refused.returncode != 0
    assert "TENANT_CONFIG_ENV=development" in refused.stderr
    assert "eyJ" not in refused.stdout
