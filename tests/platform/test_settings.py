"""Start-up as an operator runs it: every bad setting named at once; `flask db upgrade` needs only
the settings a migration uses. Each runs in a fresh process with a minimal environment."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import psycopg
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import create_engine, inspect, make_url, text

from tenant_config.configs.models import Config
from tenant_config.integrations.models import Integration
from tenant_config.platform.settings import ConfigurationError, Settings
from tests.support.paths import REPO
from tests.support.servers import GUNICORN, free_port
from tests.support.settings import POSTGRES_URL, session_fernet_key

ROOT = Path(__file__).resolve().parent.parent.parent
FLASK = Path(sys.executable).parent / "flask"
SECRETISH = "not-a-fernet-key-but-SECRET-ish"
BROKEN = {
    "TENANT_CONFIG_DB_POOL_SIZE": "plenty",
    "TENANT_CONFIG_JWT_ALGORITHMS": "RS256,HS256",
    "TENANT_CONFIG_CORS_ORIGINS": "*",
    "TENANT_CONFIG_RATELIMIT": "lots",
    "TENANT_CONFIG_REQUIRE_PRECONDITION": "maybe",
    "TENANT_CONFIG_JWT_TENANTS_CLAIM": "two words",
    "TENANT_CONFIG_FERNET_KEYS": SECRETISH,
}
MISSING = ("TENANT_CONFIG_JWKS_FILE", "TENANT_CONFIG_JWT_ISSUER", "TENANT_CONFIG_JWT_AUDIENCE")

HEAD = ScriptDirectory(str(REPO / "migrations")).get_current_head()


def run(args: list[str], env: dict[str, str], timeout: float = 60) -> subprocess.CompletedProcess:
    """Run a command in the repository with only `env` (plus PATH and LANG)."""
    base = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "LANG": "C.UTF-8"}
    return subprocess.run(
        args, cwd=ROOT, env=base | env, capture_output=True, text=True, timeout=timeout, check=False
    )


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path) -> Iterator[str]:
    """The URL of a database with nothing in it (a PostgreSQL one is made and dropped here)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    if not POSTGRES_URL:
        pytest.skip("TENANT_CONFIG_TEST_POSTGRES_URL is not set")
    name = f"{make_url(POSTGRES_URL).database}_migrate_{uuid.uuid4().hex[:8]}"
    server = make_url(POSTGRES_URL).set(drivername="postgresql", database="postgres")
    dsn = server.render_as_string(hide_password=False)
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with psycopg.connect(dsn, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE "{name}" WITH (FORCE)')


def test_a_misconfigured_start_names_every_problem_at_once(tmp_path):
    env = {"TENANT_CONFIG_INSTANCE_PATH": str(tmp_path)} | BROKEN
    result = run([sys.executable, "-c", "import wsgi"], env)
    assert result.returncode == 1
    assert result.stdout == ""
    message = result.stderr
    assert message.startswith("tenant-config: configuration error: 10 settings are missing")
    for variable in [*BROKEN, *MISSING]:
        assert variable in message, variable
    assert message.count("\n  - ") == 10
    assert SECRETISH not in message
    assert "Traceback" not in message


def test_gunicorn_stops_at_once_with_the_same_list(tmp_path):
    env = {
        "TENANT_CONFIG_INSTANCE_PATH": str(tmp_path),
        "TENANT_CONFIG_BIND": f"127.0.0.1:{free_port()}",
        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path),
    } | BROKEN
    result = run([str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"], env, timeout=30)
    assert result.returncode == 1  # the master stops: no worker is started again and again
    assert "tenant-config: configuration error: 10 settings are missing" in result.stderr
    assert "Booting worker" not in result.stderr
    for variable in [*BROKEN, *MISSING]:
        assert variable in result.stderr, variable
    assert SECRETISH not in result.stderr + result.stdout


def test_one_problem_is_one_line(tmp_path, jwks_file):
    env = {
        "TENANT_CONFIG_INSTANCE_PATH": str(tmp_path),
        "TENANT_CONFIG_JWKS_FILE": str(jwks_file),
        "TENANT_CONFIG_JWT_ISSUER": "https://idp.example",
        "TENANT_CONFIG_JWT_AUDIENCE": "tenant-config",
        "TENANT_CONFIG_FERNET_KEYS": session_fernet_key(),
    }
    result = run([sys.executable, "-c", "import wsgi"], env)
    assert (result.returncode, result.stderr) == (0, "")
    result = run([sys.executable, "-c", "import wsgi"], env | {"TENANT_CONFIG_DB_POOL_SIZE": "0"})
    assert result.returncode == 1
    assert result.stderr == (
        "tenant-config: configuration error: TENANT_CONFIG_DB_POOL_SIZE must be at least 1\n"
    )


def test_db_upgrade_needs_only_the_database_url(empty_database, tmp_path):
    env = {
        "TENANT_CONFIG_DATABASE_URL": empty_database,
        "TENANT_CONFIG_INSTANCE_PATH": str(tmp_path),
        # Settings a migration does not use do not stop it, even malformed ones.
        "TENANT_CONFIG_CORS_ORIGINS": "*",
        "TENANT_CONFIG_JWKS_URL": "not a url",
    }
    result = run([str(FLASK), "--app", "wsgi", "db", "upgrade"], env)
    assert result.returncode == 0, result.stderr
    assert "Running upgrade 703a2ddefc5c -> 6af70a967593" in result.stderr
    engine = create_engine(empty_database)
    try:
        with engine.connect() as connection:
            assert connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            assert "tenant_config_versions" in inspect(connection).get_table_names()
    finally:
        engine.dispose()
    # The same environment cannot serve: the identity settings are required for that.
    served = run([sys.executable, "-c", "import wsgi"], env)
    assert served.returncode == 1
    for variable in (*MISSING[1:], "TENANT_CONFIG_FERNET_KEYS", "TENANT_CONFIG_CORS_ORIGINS"):
        assert variable in served.stderr, variable


@pytest.mark.parametrize(
    ("variable", "value"),
    [("TENANT_CONFIG_DB_CONNECT_TIMEOUT", "soon"), ("TENANT_CONFIG_FERNET_KEYS", SECRETISH)],
)
def test_db_upgrade_refuses_a_malformed_setting_it_uses(tmp_path, variable, value):
    env = {
        "TENANT_CONFIG_DATABASE_URL": f"sqlite:///{tmp_path / 'm.db'}",
        "TENANT_CONFIG_INSTANCE_PATH": str(tmp_path),
        variable: value,
    }
    result = run([str(FLASK), "--app", "wsgi", "db", "upgrade"], env)
    assert result.returncode == 1
    assert result.stderr.startswith(f"tenant-config: configuration error: {variable}")
    assert SECRETISH not in result.stderr
    assert not (tmp_path / "m.db").exists() or (tmp_path / "m.db").stat().st_size == 0


def test_db_upgrade_with_fernet_keys_and_no_identity_settings(empty_database, tmp_path):
    env = {
        "TENANT_CONFIG_DATABASE_URL": empty_database,
        "TENANT_CONFIG_INSTANCE_PATH": str(tmp_path),
        "TENANT_CONFIG_FERNET_KEYS": session_fernet_key(),
    }
    result = run([str(FLASK), "--app", "wsgi", "db", "upgrade"], env)
    assert result.returncode == 0, result.stderr
    result = run([str(FLASK), "--app", "wsgi", "db", "current"], env)
    assert result.returncode == 0, result.stderr
    assert f"{HEAD} (head)" in result.stdout


def test_the_encryption_migration_names_the_fernet_keys_when_it_has_values_to_encrypt(
    empty_database, tmp_path
):
    env = {
        "TENANT_CONFIG_DATABASE_URL": empty_database,
        "TENANT_CONFIG_INSTANCE_PATH": str(tmp_path),
    }
    flask_db = [str(FLASK), "--app", "wsgi", "db"]
    assert run([*flask_db, "upgrade", "703a2ddefc5c"], env).returncode == 0
    now, integration_id = datetime.now(UTC), uuid.uuid4()
    audit = {
        "version": 0,
        "created_at": now,
        "updated_at": now,
        "created_by": "m",
        "updated_by": "m",
    }
    engine = create_engine(empty_database)
    try:
        with engine.begin() as connection:  # the tables as that revision has them: no `secret`
            connection.execute(
                Integration.__table__.insert(),
                {
                    "id": integration_id,
                    "name": "i",
                    "client": "c",
                    "tenant": "t",
                    "partner_tenant": "p",
                    "connector": "SAPTAX_OSERIES",
                    **audit,
                },
            )
            connection.execute(
                Config.__table__.insert(),
                {
                    "id": uuid.uuid4(),
                    "integration_id": integration_id,
                    "group_name": "g",
                    "name": "n",
                    "value": "legacy-plain",
                    "sensitive": True,
                    **audit,
                },
            )
    finally:
        engine.dispose()
    refused = run([*flask_db, "upgrade"], env)
    assert refused.returncode == 1
    assert "TENANT_CONFIG_FERNET_KEYS is required: this migration encrypts" in refused.stderr
    assert f"{HEAD} (head)" not in run([*flask_db, "current"], env).stdout
    keyed = env | {"TENANT_CONFIG_FERNET_KEYS": session_fernet_key()}
    assert run([*flask_db, "upgrade"], keyed).returncode == 0
    assert f"{HEAD} (head)" in run([*flask_db, "current"], keyed).stdout


def test_claim_settings_are_read_and_each_bad_one_named(jwks_file):
    env = {
        "TENANT_CONFIG_JWKS_FILE": str(jwks_file),
        "TENANT_CONFIG_JWT_ISSUER": "https://idp.example",
        "TENANT_CONFIG_JWT_AUDIENCE": "tenant-config",
        "TENANT_CONFIG_FERNET_KEYS": session_fernet_key(),
        "TENANT_CONFIG_JWT_SCOPE_CLAIMS": " scp , resource_access.api.example.com.roles ,",
        "TENANT_CONFIG_JWT_TENANTS_CLAIM": "https://tenant-config.example.com/tenants",
    }
    settings = Settings.from_env(env)
    assert settings.claim_names.scopes == ("scp", "resource_access.api.example.com.roles")
    assert settings.claim_names.tenants == "https://tenant-config.example.com/tenants"
    assert (settings.jwt_clients_claim, settings.jwt_partner_tenants_claim) == (
        "clients",
        "partner_tenants",
    )
    bad = {
        "TENANT_CONFIG_JWT_SCOPE_CLAIMS": "scp,two words",
        "TENANT_CONFIG_JWT_CLIENTS_CLAIM": "a\tb",
    }
    with pytest.raises(ConfigurationError) as raised:
        Settings.from_env(env | bad | {"TENANT_CONFIG_JWT_PARTNER_TENANTS_CLAIM": "p" * 256})
    named = [problem.split(" ")[0] for problem in raised.value.problems]
    assert named == [
        "TENANT_CONFIG_JWT_SCOPE_CLAIMS",
        "TENANT_CONFIG_JWT_CLIENTS_CLAIM",
        "TENANT_CONFIG_JWT_PARTNER_TENANTS_CLAIM",
    ]
