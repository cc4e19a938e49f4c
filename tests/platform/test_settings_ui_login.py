"""The admin UI's settings: TENANT_CONFIG_SECRET_KEY and TENANT_CONFIG_OIDC_*, read and checked."""

from __future__ import annotations

import pytest

from tenant_config.app import create_app
from tenant_config.platform.settings import ConfigurationError, Settings
from tests.support.settings import session_fernet_key, session_secret_key
from tests.ui.support import text_of

OIDC = {
    "TENANT_CONFIG_OIDC_ISSUER": "https://login.example.com/realms/acme/",
    "TENANT_CONFIG_OIDC_CLIENT_ID": "tenant-config-ui",
}


@pytest.fixture
def production(jwks_file, tmp_path) -> dict[str, str]:
    """The environment of a production service without the UI's login."""
    return {
        "TENANT_CONFIG_DATABASE_URL": f"sqlite:///{tmp_path / 'tc.db'}",
        "TENANT_CONFIG_INSTANCE_PATH": str(tmp_path),
        "TENANT_CONFIG_JWKS_FILE": str(jwks_file),
        "TENANT_CONFIG_JWT_ISSUER": "https://login.example.com/realms/acme",
        "TENANT_CONFIG_JWT_AUDIENCE": "tenant-config",
        "TENANT_CONFIG_FERNET_KEYS": session_fernet_key(),
    }


def test_the_login_settings_are_read(production):
    secret = session_secret_key()
    settings = Settings.from_env(
        production
        | OIDC
        | {
            "TENANT_CONFIG_SECRET_KEY": secret,
            "TENANT_CONFIG_OIDC_CLIENT_SECRET": "client-secret-value",
            "TENANT_CONFIG_OIDC_REDIRECT_URI": "https://tc.example.com/ui/login/callback",
        }
    )
    assert settings.oidc_login
    assert settings.oidc_issuer == "https://login.example.com/realms/acme"  # no trailing slash
    assert settings.oidc_client_id == "tenant-config-ui"
    assert settings.oidc_client_secret == "client-secret-value"
    assert settings.oidc_redirect_uri == "https://tc.example.com/ui/login/callback"
    assert settings.oidc_scopes == "openid profile"
    assert settings.secret_key == secret
    assert secret not in repr(settings)
    assert "client-secret-value" not in repr(settings)


def test_the_scopes_asked_for_can_be_set(production):
    env = production | OIDC | {"TENANT_CONFIG_SECRET_KEY": session_secret_key()}
    settings = Settings.from_env(env | {"TENANT_CONFIG_OIDC_SCOPES": "openid email tc-api"})
    assert settings.oidc_scopes == "openid email tc-api"


@pytest.mark.parametrize("secret", [None, "", "too-short-a-secret"])
def test_production_with_the_login_needs_a_session_secret(production, secret):
    env = production | OIDC
    if secret is not None:
        env["TENANT_CONFIG_SECRET_KEY"] = secret
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env(env)
    assert [problem.split(" ")[0] for problem in refused.value.problems] == [
        "TENANT_CONFIG_SECRET_KEY"
    ]
    assert "TENANT_CONFIG_OIDC_ISSUER" in refused.value.problems[0]
    if secret:
        assert secret not in str(refused.value)


def test_an_issuer_needs_https_and_a_client_id(production):
    env = production | {
        "TENANT_CONFIG_OIDC_ISSUER": "http://login.example.com",
        "TENANT_CONFIG_SECRET_KEY": session_secret_key(),
    }
    with pytest.raises(ConfigurationError) as refused:
        Settings.from_env(env)
    assert [problem.split(" ")[0] for problem in refused.value.problems] == [
        "TENANT_CONFIG_OIDC_ISSUER",
        "TENANT_CONFIG_OIDC_CLIENT_ID",
    ]


def test_development_with_the_login_needs_no_secret_variable(tmp_path):
    env = OIDC | {"TENANT_CONFIG_ENV": "development", "TENANT_CONFIG_INSTANCE_PATH": str(tmp_path)}
    assert Settings.from_env(env).oidc_login


def test_production_without_login_or_secret_starts_and_explains_how_to_sign_in(production):
    settings = Settings.from_env(production)
    assert not settings.oidc_login
    assert settings.secret_key == ""
    client = create_app(settings).test_client()
    home = client.get("/ui/", follow_redirects=True)
    assert home.status_code == 200
    shown = text_of(home.data)
    assert "Login is not configured" in shown
    for variable in ("TENANT_CONFIG_OIDC_ISSUER", "TENANT_CONFIG_SECRET_KEY"):
        assert variable in shown
