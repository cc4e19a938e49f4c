"""The admin UI's OpenID Connect login against a real provider served on 127.0.0.1.

The app's Authlib client fetches the discovery document, the JWKS and the tokens over HTTP;
the browser's part (following the authorization redirect) is played with requests.
"""

from __future__ import annotations

import uuid
from urllib.parse import parse_qs, urlsplit

import pytest
from joserfc import jwt

from tenant_config.platform.settings import DEFAULT_OIDC_SCOPES
from tenant_config.ui.access import SESSION_KEY
from tests.support.bodies import integration_body
from tests.support.oidc_provider import CLIENT_ID, REDIRECT_URI, User
from tests.support.servers import free_port
from tests.support.tokens import ALL_SCOPES
from tests.ui.oidc_flow import authorize, back_in_app, provider_answer
from tests.ui.support import csrf_from, text_of

INTEGRATION_READ = "ConnTenantConfigApi:TenantIntegration:Read"


def test_login_signs_in_with_the_providers_access_token_and_its_tenants(
    oidc_app, provider, client, make_token, tenant
):
    other_tenant = str(uuid.uuid4())
    for owner, name in ((tenant, "mine-oidc"), (other_tenant, "theirs-oidc")):
        headers = {"Authorization": f"Bearer {make_token(tenants=[owner])}"}
        created = client.post(
            "/tenantintegrations", json=integration_body(owner, name=name), headers=headers
        )
        assert created.status_code == 201
    provider.user = User(tenants=(tenant,))
    ui = oidc_app().test_client()

    url = authorize(ui)
    assert url.startswith(f"{provider.issuer}/authorize?")
    query = {key: values[0] for key, values in parse_qs(urlsplit(url).query).items()}
    assert query["code_challenge_method"] == "S256"
    assert len(query["code_challenge"]) == 43  # a SHA-256, base64url without padding
    assert query["state"]
    assert query["nonce"]
    assert query["client_id"] == CLIENT_ID
    assert query["redirect_uri"] == REDIRECT_URI
    assert query["scope"].split() == DEFAULT_OIDC_SCOPES.split()

    callback = provider_answer(url)
    assert callback.startswith(f"{REDIRECT_URI}?code=")
    done = back_in_app(ui, callback)
    assert done.status_code == 302
    assert done.headers["Location"] == "/ui/integrations"
    cookie = done.headers["Set-Cookie"]
    for flag in ("HttpOnly", "SameSite=Lax", "Path=/ui", "Secure"):
        assert flag in cookie, flag

    page = ui.get("/ui/integrations")
    assert page.status_code == 200
    shown = text_of(page.data)
    assert "ada@example.com" in shown
    assert "mine-oidc" in shown
    assert "theirs-oidc" not in shown
    with ui.session_transaction("/ui/") as session:
        kept = jwt.decode(session[SESSION_KEY], provider.key.key).claims
    assert (kept["iss"], kept["tenants"]) == (provider.issuer, [tenant])


def test_the_configured_redirect_uri_is_the_one_sent(oidc_app, provider, tenant):
    registered = "https://tenant-config.example.com/ui/login/callback"
    provider.redirect_uris = (registered,)
    provider.user = User(tenants=(tenant,))
    ui = oidc_app(oidc_redirect_uri=registered).test_client()
    url = authorize(ui)
    assert parse_qs(urlsplit(url).query)["redirect_uri"] == [registered]
    callback = provider_answer(url)
    assert callback.startswith(f"{registered}?code=")
    assert back_in_app(ui, callback).headers["Location"] == "/ui/integrations"
    assert ui.get("/ui/integrations").status_code == 200


def test_the_login_returns_only_to_pages_of_the_ui(oidc_app, provider, tenant):
    provider.user = User(tenants=(tenant,))
    ui = oidc_app().test_client()
    done = back_in_app(ui, provider_answer(authorize(ui, next_page="https://evil.example/ui/")))
    assert done.headers["Location"] == "/ui/"


@pytest.mark.parametrize("tampering", ["forged state", "another browser", "replayed"])
def test_a_callback_whose_state_this_browser_did_not_start_is_refused(
    oidc_app, provider, tenant, tampering
):
    provider.user = User(tenants=(tenant,))
    app = oidc_app()
    ui = app.test_client()
    callback = provider_answer(authorize(ui))
    if tampering == "forged state":
        callback = callback.replace("state=", "state=forged")
    elif tampering == "another browser":
        ui = app.test_client()  # login CSRF: a victim's browser fed the attacker's code
    else:
        assert back_in_app(ui, callback).headers["Location"] == "/ui/integrations"
        ui.post("/ui/logout", data={"csrf_token": csrf_from(ui.get("/ui/integrations").data)})
    refused = back_in_app(ui, callback)
    assert refused.status_code == 302
    assert refused.headers["Location"].startswith("/ui/login?next=")
    login = ui.get(refused.headers["Location"])
    assert "could not be matched to this browser" in text_of(login.data)
    assert ui.get("/ui/integrations").status_code == 302  # not signed in


def test_the_providers_refusal_is_shown_on_the_login_page(oidc_app, provider, tenant):
    provider.deny = True
    ui = oidc_app().test_client()
    callback = provider_answer(authorize(ui))
    assert "error=access_denied" in callback
    refused = back_in_app(ui, callback)
    shown = text_of(ui.get(refused.headers["Location"]).data)
    assert "did not sign you in (access_denied)" in shown
    assert ui.get("/ui/integrations").status_code == 302


def test_a_forged_error_description_is_not_echoed(oidc_app, provider):
    ui = oidc_app().test_client()
    state = parse_qs(urlsplit(authorize(ui)).query)["state"][0]
    answer = ui.get(
        "/ui/login/callback",
        query_string={
            "error": "Call +1 555 0100 now",
            "error_description": "Your account is locked",
            "state": state,
        },
    )
    shown = text_of(ui.get(answer.headers["Location"]).data)
    assert "did not sign you in (error)" in shown
    assert "555" not in shown
    assert "locked" not in shown


def test_an_access_token_for_another_audience_is_refused(oidc_app, provider, tenant):
    provider.user = User(tenants=(tenant,))
    provider.audience = "another-api"
    ui = oidc_app().test_client()
    refused = back_in_app(ui, provider_answer(authorize(ui)))
    assert refused.headers["Location"].startswith("/ui/login")
    shown = text_of(ui.get(refused.headers["Location"]).data)
    assert "not one this service's API accepts" in shown
    assert ui.get("/ui/integrations").status_code == 302
    with ui.session_transaction("/ui/") as session:
        assert SESSION_KEY not in session


def test_a_token_without_a_pages_scope_gets_403_there(oidc_app, provider, tenant):
    scopes = tuple(scope for scope in ALL_SCOPES if scope != INTEGRATION_READ)
    provider.user = User(tenants=(tenant,), scopes=scopes)
    ui = oidc_app().test_client()
    assert back_in_app(ui, provider_answer(authorize(ui))).status_code == 302
    page = ui.get("/ui/integrations")
    assert page.status_code == 403
    assert INTEGRATION_READ in text_of(page.data)


def test_a_boosted_login_link_sends_the_whole_page_to_the_provider(oidc_app, provider):
    ui = oidc_app().test_client()
    login = ui.get("/ui/login")
    assert 'href="/ui/login/oidc?next=' in login.data.decode()
    answer = ui.get("/ui/login/oidc", headers={"HX-Request": "true"})
    assert answer.status_code == 204
    assert answer.headers["HX-Redirect"].startswith(f"{provider.issuer}/authorize?")


def test_an_unreachable_provider_does_not_stop_the_start_and_is_explained(make_app):
    issuer = f"http://127.0.0.1:{free_port()}"  # nothing listens there
    app = make_app(oidc_issuer=issuer, oidc_client_id=CLIENT_ID, oidc_scopes=DEFAULT_OIDC_SCOPES)
    ui = app.test_client()
    assert "Sign in with your identity provider" in text_of(ui.get("/ui/login").data)
    answer = ui.get("/ui/login/oidc?next=/ui/integrations")
    assert answer.status_code == 502
    assert "identity provider cannot be reached" in text_of(answer.data)
    assert ui.get("/ui/integrations").status_code == 302


def test_without_a_provider_configured_the_oidc_routes_lead_to_the_login_page(client):
    for path in ("/ui/login/oidc", "/ui/login/callback?code=x&state=y"):
        answer = client.get(path)
        assert answer.status_code == 302
        assert answer.headers["Location"] == "/ui/login"
    assert "Sign in with your identity provider" not in text_of(client.get("/ui/login").data)
