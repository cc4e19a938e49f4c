"""The admin UI's frame: login, sessions, CSRF, scopes and error pages."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import url_for

from tests.support.tokens import ALL_SCOPES
from tests.ui.support import csrf_from, signed_in_client, text_of


def test_ui_without_login_configured_says_how_to_configure_it(make_app):
    app = make_app(secret_key="")
    client = app.test_client()
    home = client.get("/ui/", follow_redirects=True)
    assert home.status_code == 200
    assert "Login is not configured" in text_of(home.data)
    assert "TENANT_CONFIG_OIDC_ISSUER" in text_of(home.data)
    assert client.post("/ui/logout").status_code == 400
    assert client.get("/ui/integrations").status_code == 302


def test_a_page_sends_an_anonymous_user_to_the_login_page_and_back(client):
    answer = client.get("/ui/integrations?search=x")
    assert answer.status_code == 302
    assert answer.headers["Location"] == "/ui/login?next=/ui/integrations?search%3Dx"
    assert client.get(answer.headers["Location"]).status_code == 200


def test_htmx_requests_of_an_anonymous_user_redirect_the_whole_page(client):
    answer = client.get("/ui/integrations", headers={"HX-Request": "true"})
    assert answer.status_code == 204
    assert answer.headers["HX-Redirect"].startswith("/ui/login?next=")


def test_development_login_signs_in_with_the_tenants_and_scopes_chosen(dev_app, tenant):
    client = dev_app.test_client()
    login = client.get("/ui/login?next=/ui/integrations")
    assert "Development login" in text_of(login.data)
    answer = client.post(
        "/ui/login/dev",
        data={
            "csrf_token": csrf_from(login.data),
            "subject": "ada@example.com",
            "tenants": tenant,
            "scope": ["ConnTenantConfigApi:TenantIntegration:Read", "not-offered"],
            "next": "/ui/integrations",
        },
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/ui/integrations"
    cookie = answer.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie
    assert "Path=/ui" in cookie
    page = client.get("/ui/integrations")
    assert page.status_code == 200
    assert "ada@example.com" in text_of(page.data)


def test_development_login_does_not_exist_outside_development(app, token):
    client = signed_in_client(app, token)
    assert "Development login" not in text_of(client.get("/ui/login").data)
    csrf = csrf_from(client.get("/ui/integrations").data)  # the sign-out form's token
    assert client.post("/ui/login/dev", data={"csrf_token": csrf}).status_code == 404


def test_development_login_never_redirects_off_the_ui(dev_app, tenant):
    client = dev_app.test_client()
    for target in ("https://evil.example/", "//evil.example/ui/", "/docs", "/ui\\..\\x"):
        token = csrf_from(client.get("/ui/login").data)  # a login starts a new session
        answer = client.post(
            "/ui/login/dev", data={"csrf_token": token, "tenants": tenant, "next": target}
        )
        assert answer.status_code == 303, (target, text_of(answer.data))
        assert answer.headers["Location"] == "/ui/", target


def test_a_form_without_its_csrf_token_is_refused_and_changes_nothing(dev_app, tenant):
    client = dev_app.test_client()
    client.get("/ui/login")
    answer = client.post("/ui/login/dev", data={"tenants": tenant})
    assert answer.status_code == 400
    assert "The form has expired" in text_of(answer.data)
    assert client.get("/ui/integrations").status_code == 302  # still signed out


def test_logout_forgets_the_token(app, token):
    client = signed_in_client(app, token)
    page = client.get("/ui/integrations")
    answer = client.post("/ui/logout", data={"csrf_token": csrf_from(page.data)})
    assert answer.status_code == 303
    assert client.get("/ui/integrations").status_code == 302


@pytest.mark.parametrize(
    "claims",
    [
        {"exp": 1},  # expired
        {"iss": "https://someone.else/"},
        {"aud": "another-api"},
    ],
)
def test_a_token_the_api_refuses_signs_the_user_out(app, make_token, tenant, claims):
    client = signed_in_client(app, make_token(tenants=[tenant], **claims))
    assert client.get("/ui/integrations").status_code == 302


def test_a_forged_token_is_refused(app, make_token, tenant):
    token = make_token(tenants=[tenant])
    header, payload, signature = token.split(".")
    forged = f"{header}.{payload}.{signature[:-4]}AAAA"
    assert signed_in_client(app, forged).get("/ui/integrations").status_code == 302


def test_a_page_needs_the_scope_its_api_route_needs(app, make_token, tenant):
    scopes = [
        scope for scope in ALL_SCOPES if scope != "ConnTenantConfigApi:TenantIntegration:Read"
    ]
    client = signed_in_client(app, make_token(tenants=[tenant], scopes=scopes))
    answer = client.get("/ui/integrations")
    assert answer.status_code == 403
    assert "ConnTenantConfigApi:TenantIntegration:Read" in text_of(answer.data)
    assert re.search(r"Trace id: \S+", text_of(answer.data))


def test_the_session_cookie_is_secure_outside_development(app, token):
    client = signed_in_client(app, token)
    page = client.get("/ui/integrations")
    answer = client.post("/ui/logout", data={"csrf_token": csrf_from(page.data)})
    assert "Secure" in answer.headers["Set-Cookie"]
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    assert page.headers["X-Frame-Options"] == "DENY"


def test_pages_load_only_assets_the_service_ships(client):
    page = client.get("/ui/login").data.decode()
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert sources
    assert all(not source.startswith(("http:", "https:", "//")) for source in sources)
    for asset in re.findall(r'(?:src|href)="(/ui/static/[^"]+)"', page):
        assert client.get(asset).status_code == 200, asset


# What a signed-out user may open: signing in and out, the shipped assets.
OPEN = {"ui.static", "ui.home", "ui.login.index", "ui.login.dev", "ui.login.logout"}
OPEN_PREFIX = "ui.oidc."
SAMPLES = {"UUIDConverter": str(uuid.uuid4()), "IntegerConverter": "1"}


def _ui_routes(app):
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("ui.") or rule.endpoint in OPEN:
            continue
        if rule.endpoint.startswith(OPEN_PREFIX):
            continue
        values = {
            name: SAMPLES.get(type(converter).__name__, "x")
            for name, converter in rule._converters.items()
        }
        with app.test_request_context():
            url = url_for(rule.endpoint, **values)
        for method in sorted(rule.methods - {"OPTIONS", "HEAD"}):
            yield method, url


def test_every_page_sends_a_signed_out_user_to_the_login_page(dev_app):
    client = dev_app.test_client()
    csrf = csrf_from(client.get("/ui/login").data)
    checked = 0
    for method, url in _ui_routes(dev_app):
        answer = client.open(url, method=method, data={"csrf_token": csrf})
        assert answer.status_code == 302, (method, url, answer.status_code)
        assert answer.headers["Location"].startswith("/ui/login?next="), (method, url)
        if method == "POST":
            refused = client.open(url, method=method, data={})
            assert refused.status_code == 400, (method, url)  # no CSRF token: refused first
        checked += 1
    assert checked >= 2


def test_an_unknown_ui_address_is_a_page_and_an_unknown_api_address_a_problem(ui, client):
    missing = ui.get("/ui/no-such-page")
    assert missing.status_code == 404
    assert missing.mimetype == "text/html"
    assert "Trace id" in text_of(missing.data)
    assert missing.headers["Content-Security-Policy"].startswith("default-src 'self'")
    wrong_method = ui.get("/ui/logout")
    assert wrong_method.status_code == 405
    assert wrong_method.mimetype == "text/html"
    assert ui.get("/ui").headers["Location"].endswith("/ui/")  # the redirect stays one
    api = client.get("/no-such-route")
    assert api.status_code == 404
    assert api.mimetype == "application/problem+json"


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("subject", "ada\x00@example.com"),
        ("tenants", "1a855cf0\x00-d29b"),
        ("tenants", "9" * 5000),
        ("partner_tenants", "BIGCOMMERCE_OSERIES:\x00"),
    ],
)
def test_development_login_refuses_claims_the_api_would_refuse(dev_app, tenant, field, value):
    client = dev_app.test_client()
    form = {"tenants": tenant, "scope": ["ConnTenantConfigApi:TenantIntegration:Read"]}
    form |= {"csrf_token": csrf_from(client.get("/ui/login").data), field: value}
    answer = client.post("/ui/login/dev", data=form)
    assert answer.status_code == 303
    assert answer.headers["Location"].startswith("/ui/login")
    page = client.get(answer.headers["Location"])
    assert "The development token was refused" in text_of(page.data)
    assert client.get("/ui/integrations").status_code == 302  # still signed out
