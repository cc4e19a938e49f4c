"""The OpenID Connect login in a real browser, against the test provider served on 127.0.0.1.

The app is served in production mode, so its session cookie is Secure. Chromium keeps a Secure
cookie set over plain HTTP by http://127.0.0.1 (a potentially trustworthy origin), so the login
(whose state travels in that cookie) runs here without TLS.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator

import pytest
from playwright.sync_api import Page, expect

from tenant_config.platform.database import db
from tenant_config.platform.settings import DEFAULT_OIDC_SCOPES
from tests.support.in_process import served
from tests.support.oidc_provider import CLIENT_ID, CLIENT_SECRET, User

pytestmark = pytest.mark.browser


@pytest.fixture
def oidc_server(make_app, provider) -> Iterator[str]:
    """Serve a production-mode app whose UI signs in through `provider`; return its URL."""
    app = make_app(
        jwt_issuer=provider.issuer,
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_scopes=DEFAULT_OIDC_SCOPES,
    )
    with served(app) as url:
        provider.redirect_uris = (f"{url}/ui/login/callback",)  # the URL the app derives
        yield url
    with app.app_context():
        db.engine.dispose()


def test_the_browser_signs_in_at_the_provider_and_sees_only_its_tenants(
    page: Page, oidc_server, provider, tenant, create_integration
):
    create_integration(tenant, name="mine-through-oidc")
    create_integration(str(uuid.uuid4()), name="theirs-through-oidc")
    provider.user = User(tenants=(tenant,))

    page.goto(f"{oidc_server}/ui/integrations")  # straight to the provider, which approves

    expect(page).to_have_url(f"{oidc_server}/ui/integrations")
    expect(page.locator("#messages")).to_contain_text("Signed in.")
    expect(page.get_by_role("navigation", name="Main")).to_contain_text("ada@example.com")
    expect(page.locator("#results").get_by_role("link", name="mine-through-oidc")).to_be_visible()
    expect(page.locator("#results")).not_to_contain_text("theirs-through-oidc")
    [cookie] = [c for c in page.context.cookies() if c["name"] == "tenant_config_ui"]
    assert (cookie["secure"], cookie["httpOnly"], cookie["path"]) == (True, True, "/ui")

    page.get_by_role("button", name="Sign out").click()
    expect(page.locator("#messages")).to_contain_text("Signed out.")
    expect(page.get_by_role("button", name="Sign in (development)")).to_have_count(0)
    expect(page.get_by_role("button", name="Sign in with your identity provider")).to_be_visible()


def test_a_refusal_at_the_provider_is_explained_on_the_login_page(
    page: Page, oidc_server, provider
):
    provider.deny = True
    page.goto(f"{oidc_server}/ui/login")
    page.get_by_role("button", name="Sign in with your identity provider").click()
    expect(page.locator("#messages")).to_contain_text("did not sign you in (access_denied)")
    page.goto(f"{oidc_server}/ui/integrations")  # to the provider, which refuses again
    expect(page).to_have_url(re.compile(r"/ui/login\?next=/ui/integrations&failed=1$"))
    expect(page.locator("#messages")).to_contain_text("did not sign you in (access_denied)")
