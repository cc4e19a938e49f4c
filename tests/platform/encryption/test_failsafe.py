"""Failing safe: no or bad keys stop the service; an unreadable ciphertext is a clean 500."""

from __future__ import annotations

import logging
import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from sqlalchemy import Text, literal, select, type_coerce, update

from tenant_config.app import create_app
from tenant_config.configs.models import Config
from tenant_config.platform.database import db
from tenant_config.platform.encryption.column import keyring
from tenant_config.platform.settings import Settings
from tests.support.paths import REPO
from tests.support.settings import assert_key_id, new_key, session_fernet_key
from tests.support.tokens import ALL_SCOPES, AUDIENCE, ISSUER, SENSITIVE_SCOPES

UNREADABLE = "urn:tenant-config:problem:secret-unreadable"


def start(env: dict[str, str], tmp_path: Path) -> subprocess.CompletedProcess:
    """Import wsgi.py in a fresh interpreter, as gunicorn and `flask --app wsgi` do."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith("TENANT_CONFIG_")}
    clean |= {"TENANT_CONFIG_INSTANCE_PATH": str(tmp_path)} | env
    return subprocess.run(
        [sys.executable, "-c", "import wsgi"],
        cwd=REPO,
        env=clean,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.fixture
def production_env(jwks_file, tmp_path) -> dict[str, str]:
    return {
        "TENANT_CONFIG_JWKS_FILE": str(jwks_file),
        "TENANT_CONFIG_JWT_ISSUER": ISSUER,
        "TENANT_CONFIG_JWT_AUDIENCE": AUDIENCE,
        "TENANT_CONFIG_DATABASE_URL": f"sqlite:///{tmp_path / 'start.db'}",
    }


@pytest.mark.parametrize(
    "keys",
    ["", " , ", "not-a-fernet-key-but-a-secret", f"{session_fernet_key()},AAAA-secret-ish"],
)
def test_no_or_malformed_key_refuses_to_start_with_one_clear_line(production_env, tmp_path, keys):
    result = start(production_env | {"TENANT_CONFIG_FERNET_KEYS": keys}, tmp_path)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("tenant-config: configuration error: TENANT_CONFIG_FERNET_KEYS")
    for key in keys.split(","):
        if key.strip():
            assert key.strip() not in result.stderr


def test_a_good_key_starts(production_env, tmp_path):
    result = start(production_env | {"TENANT_CONFIG_FERNET_KEYS": new_key()}, tmp_path)
    assert (result.returncode, result.stderr) == (0, "")


def test_development_generates_a_key_under_instance(tmp_path):
    settings = Settings.from_env({"TENANT_CONFIG_ENV": "development"}, instance_path=tmp_path)
    app = create_app(settings)
    key_file = tmp_path / "dev-fernet.key"
    assert key_file.stat().st_mode & 0o777 == 0o600
    with app.app_context():
        assert_key_id(keyring().primary_id, key_file.read_text())
    assert "instance/" in (REPO / ".gitignore").read_text().splitlines()
    first = key_file.read_text()
    create_app(settings)
    assert key_file.read_text() == first


def test_settings_never_show_the_keys():
    key = new_key()
    settings = Settings.from_env(
        {
            "TENANT_CONFIG_JWKS_FILE": "jwks.json",
            "TENANT_CONFIG_JWT_ISSUER": ISSUER,
            "TENANT_CONFIG_JWT_AUDIENCE": AUDIENCE,
            "TENANT_CONFIG_FERNET_KEYS": key,
        }
    )
    assert settings.fernet_keys == (key,)
    assert key not in repr(settings)


def test_a_ciphertext_whose_key_is_gone_is_a_documented_500(
    make_app, make_token, tenant, new_config, caplog
):
    created = new_config(value="gone-with-the-key", sensitive=True)
    app = make_app(fernet_keys=(new_key(),))
    client = app.test_client()
    url = f"/tenantintegrations/{created['integration']}/configs/{created['id']}"
    masked = client.get(url, headers=bearer(make_token, tenant))
    assert masked.status_code == 200  # a masked answer needs no key
    with caplog.at_level(logging.DEBUG):
        response = client.get(url, headers=bearer(make_token, tenant, sensitive=True))
    problem = response.get_json()
    assert response.status_code == 500
    assert response.mimetype == "application/problem+json"
    assert problem["type"] == UNREADABLE
    with app.app_context():
        ciphertext = db.session.scalar(
            select(type_coerce(Config.__table__.c.secret, Text)).where(
                Config.__table__.c.id == uuid.UUID(created["id"])
            )
        )
    assert problem["keyId"] == ciphertext.partition(":")[0]
    assert_key_id(problem["keyId"], session_fernet_key())
    assert problem["keyId"] in problem["detail"]
    text = response.get_data(as_text=True)
    assert "gone-with-the-key" not in text
    assert "Traceback" not in text
    assert any(problem["keyId"] in r.getMessage() for r in caplog.records)
    listing = client.get(url.rsplit("/", 1)[0], headers=bearer(make_token, tenant, sensitive=True))
    assert listing.status_code == 500


def test_a_ciphertext_copied_to_another_config_is_refused(
    app, client, make_token, tenant, new_config, caplog
):
    source = new_config(value="copied-secret", sensitive=True)
    target = new_config(value="own-secret", sensitive=True)
    table = Config.__table__
    with app.app_context():
        ciphertext = db.session.scalar(
            select(type_coerce(table.c.secret, Text)).where(table.c.id == uuid.UUID(source["id"]))
        )
        db.session.execute(
            update(table)
            .where(table.c.id == uuid.UUID(target["id"]))
            .values({table.c.secret: literal(ciphertext, Text())})
        )
        db.session.commit()
    url = f"/tenantintegrations/{target['integration']}/configs/{target['id']}"
    with caplog.at_level(logging.WARNING):
        response = client.get(url, headers=bearer(make_token, tenant, sensitive=True))
    assert response.status_code == 500
    assert response.get_json()["type"] == UNREADABLE
    assert "copied-secret" not in response.get_data(as_text=True)
    assert any("ALERT" in r.getMessage() and target["id"] in r.getMessage() for r in caplog.records)


def bearer(make_token, tenant, *, sensitive=False) -> dict[str, str]:
    scopes = SENSITIVE_SCOPES if sensitive else ALL_SCOPES
    return {"Authorization": f"Bearer {make_token(scopes=scopes, tenants=[tenant])}"}


def test_a_new_value_replaces_one_whose_key_is_gone(make_app, make_token, tenant, new_config):
    created = new_config(value="gone-with-the-key", sensitive=True)
    client = make_app(fernet_keys=(new_key(),)).test_client()
    url = f"/tenantintegrations/{created['integration']}/configs/{created['id']}"
    reader = bearer(make_token, tenant, sensitive=True)
    assert client.get(url, headers=reader).status_code == 500

    body = {"group": created["group"], "name": created["name"], "sensitive": True}
    replaced = client.put(url, json=body | {"value": "fresh", "version": 0}, headers=reader)

    assert replaced.status_code == 200, replaced.get_json()
    assert (replaced.get_json()["value"], replaced.get_json()["version"]) == ("fresh", 1)
    assert client.get(url, headers=reader).get_json()["value"] == "fresh"
