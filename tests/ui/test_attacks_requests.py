"""Attacks on the admin UI's requests: forged forms, sessions, other tenants, sizes, redirects."""

from __future__ import annotations

import re
import uuid

import pytest
from flask import url_for

from tenant_config.ui.access import SESSION_KEY
from tenant_config.ui.oidc import NEXT_KEY
from tests.support.bodies import integration_body
from tests.support.servers import free_port
from tests.support.tokens import SENSITIVE_SCOPES
from tests.ui.support import csrf_from, signed_in_client, text_of

PUBLIC = ("ui.static", "ui.oidc.")
PAGE_HEADERS = {"X-Frame-Options": "DENY", "Cache-Control": "no-store"}


def routes(app, integration_id: str, config_id: str, method: str) -> list[str]:
    """Return the URL of every UI route taking `method`, filled with the ids given."""
    values = {"integration_id": integration_id, "config_id": config_id}
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("ui.") or rule.endpoint.startswith(PUBLIC):
            continue
        if method in rule.methods:
            with app.test_request_context():
                urls.append(url_for(rule.endpoint, **{k: values[k] for k in rule.arguments}))
    return urls


def form_for(config: dict, csrf: str | None) -> dict:
    """A form every POST route would accept if its CSRF token were right."""
    form = {"version": "0", "expectedVersion": "0", "name": config["name"], "value": "forged"}
    form |= {"group": config["group"], "reason": "forged", "names": [config["name"]]}
    form |= {"direction": "here", "onConflict": "overwrite", "tenants": "x", "with": "x"}
    return form | ({"csrf_token": csrf} if csrf is not None else {})


def snapshot(client, headers, integration: dict) -> tuple:
    """What the API holds for `integration`: itself, its configs and their history."""
    base = f"/tenantintegrations/{integration['id']}"
    return tuple(
        client.get(url, headers=headers).get_data()
        for url in (base, f"{base}/configs?pageSize=100", f"{base}/configs/versions?pageSize=100")
    )


def test_every_post_refuses_a_missing_wrong_or_foreign_csrf_token(
    app, ui, client, headers, integration, new_config, make_token, tenant
):
    config = new_config()
    before = snapshot(client, headers, integration)
    # The attacker's own session holds a valid token: it must not work in the victim's.
    attacker = signed_in_client(app, make_token(tenants=[tenant]))
    foreign = csrf_from(attacker.get("/ui/integrations").data)
    assert ui.get("/ui/integrations").status_code == 200  # the victim's session has a secret
    urls = routes(app, integration["id"], config["id"], "POST")
    assert len(urls) >= 8
    cross_site = {"Origin": "https://evil.example", "Sec-Fetch-Site": "cross-site"}
    for url in urls:
        for csrf in (None, "", "forged", foreign):
            answer = ui.post(url, data=form_for(config, csrf), headers=cross_site)
            assert answer.status_code == 400, (url, csrf, answer.status_code)
            assert "The form has expired" in text_of(answer.data)
        htmx = {"HX-Request": "true", "X-CSRFToken": foreign}
        assert ui.post(url, data=form_for(config, None), headers=htmx).status_code == 400, url
    assert snapshot(client, headers, integration) == before
    assert ui.get("/ui/integrations").status_code == 200  # the logout was refused too


def test_a_login_starts_a_new_session_and_a_logout_drops_the_token(dev_app, tenant):
    client = dev_app.test_client()
    with client.session_transaction("/ui/") as session:
        session["planted"] = "by the attacker"
    login = client.get("/ui/login")
    planted_csrf = csrf_from(login.data)
    answer = client.post(
        "/ui/login/dev",
        data={"csrf_token": planted_csrf, "tenants": tenant, "scope": list(SENSITIVE_SCOPES)},
    )
    assert answer.status_code == 303, answer.headers
    with client.session_transaction("/ui/") as session:
        assert "planted" not in session
        assert isinstance(session[SESSION_KEY], str)
    page = client.get("/ui/integrations")
    assert page.status_code == 200
    # The token of the form sent before the login belonged to the old session.
    assert client.post("/ui/logout", data={"csrf_token": planted_csrf}).status_code == 400
    out = client.post("/ui/logout", data={"csrf_token": csrf_from(page.data)})
    assert out.status_code == 303
    with client.session_transaction("/ui/") as session:
        assert SESSION_KEY not in session  # the new cookie holds the "Signed out." flash only
    assert client.get("/ui/integrations").status_code == 302


@pytest.fixture
def other_tenant(client, make_token):
    """Another tenant's integration, config and token."""
    tenant_b = str(uuid.uuid4())
    headers_b = {"Authorization": f"Bearer {make_token(tenants=[tenant_b])}"}
    integration = client.post(
        "/tenantintegrations", json=integration_body(tenant_b), headers=headers_b
    ).get_json()
    body = {"group": "g", "name": "secretOfB", "value": "b-value", "sensitive": True}
    url = f"/tenantintegrations/{integration['id']}/configs"
    config = client.post(url, json=body, headers=headers_b).get_json()
    return integration, config, headers_b


def without_trace(html: bytes) -> str:
    return re.sub(r"Trace id: \S+", "", text_of(html))


def test_another_tenants_ids_answer_404_everywhere_and_change_nothing(
    app, client, make_token, tenant, new_integration, other_tenant
):
    ours = new_integration()
    theirs, config, headers_b = other_tenant
    before = snapshot(client, headers_b, theirs)
    ui = signed_in_client(app, make_token(scopes=SENSITIVE_SCOPES, tenants=[tenant]))
    unknown = {"integration_id": str(uuid.uuid4()), "config_id": str(uuid.uuid4())}
    pages = zip(
        routes(app, theirs["id"], config["id"], "GET"),
        routes(app, unknown["integration_id"], unknown["config_id"], "GET"),
        strict=True,
    )
    checked = 0
    for url, unknown_url in pages:
        if theirs["id"] not in url:
            continue
        answer = ui.get(url)
        assert answer.status_code == 404, (url, answer.status_code)
        assert without_trace(answer.data) == without_trace(ui.get(unknown_url).data), url
        assert "b-value" not in answer.data.decode()
        checked += 1
    assert checked >= 10
    csrf = csrf_from(ui.get("/ui/integrations").data)
    for url in routes(app, theirs["id"], config["id"], "POST"):
        if theirs["id"] in url:
            assert ui.post(url, data=form_for(config, csrf)).status_code == 404, url
    # From an integration of ours, with theirs as the other side of a compare or a copy.
    compare = f"/ui/integrations/{ours['id']}/compare"
    assert ui.get(f"{compare}?with={theirs['id']}").status_code == 404
    copy = form_for(config, csrf) | {"with": theirs["id"], "direction": "there"}
    assert ui.post(f"{compare}/copy", data=copy).status_code == 404
    created = ui.post(
        "/ui/integrations/new",
        data=integration_body(theirs["tenant"], name="planted") | {"csrf_token": csrf},
    )
    assert created.status_code in (403, 422)
    assert snapshot(client, headers_b, theirs) == before
    listed = client.get("/tenantintegrations?name=planted", headers=headers_b).get_json()
    assert listed["page"]["totalElements"] == 0


def test_oversized_forms_get_a_413_page_on_every_post(app, ui, integration, new_config):
    config = new_config()
    csrf = csrf_from(ui.get("/ui/integrations").data)
    body = {"csrf_token": csrf, "version": "0", "value": "x" * (64 * 1024)}
    for url in routes(app, integration["id"], config["id"], "POST"):
        answer = ui.post(url, data=body)
        assert answer.status_code == 413, (url, answer.status_code)
        assert answer.mimetype == "text/html"
        assert "Payload Too Large" in text_of(answer.data)
        assert answer.headers["Content-Security-Policy"].startswith("default-src 'self'")


@pytest.mark.parametrize("raw", ["a%00b", "a%ED%A0%80b", "a%FFb", "a%C3b"])
def test_odd_bytes_in_a_form_are_refused_with_a_message_and_nothing_is_stored(
    ui, client, headers, integration, new_config, raw
):
    config = new_config()
    before = snapshot(client, headers, integration)
    csrf = csrf_from(ui.get("/ui/integrations").data)
    base = f"/ui/integrations/{integration['id']}/configs"
    posts = {
        f"{base}/new": f"group=g&name={raw}&value=v",
        f"{base}/{config['id']}/edit": f"version=0&group=g&name={config['name']}&value={raw}",
        f"{base}/{config['id']}/delete": f"version=0&reason={raw}",
    }
    for url, form in posts.items():
        answer = ui.post(
            url, data=f"csrf_token={csrf}&{form}", content_type="application/x-www-form-urlencoded"
        )
        assert answer.status_code == 422, (url, raw, answer.status_code)
        assert re.search(r"NUL|UTF-8", text_of(answer.data)), text_of(answer.data)
    assert snapshot(client, headers, integration) == before


def test_every_page_forbids_framing_caching_and_foreign_scripts(
    app, ui, client, token, integration, new_config
):
    config = new_config()
    answers = [ui.get(url) for url in routes(app, integration["id"], config["id"], "GET")]
    answers += [client.get("/ui/login"), client.get("/ui/integrations")]  # signed out: redirect
    answers += [ui.get(f"/ui/integrations/{uuid.uuid4()}"), ui.post("/ui/logout")]  # 404, 400
    for answer in answers:
        csp = answer.headers.get("Content-Security-Policy", "")
        assert csp.startswith("default-src 'self';"), answer.request.url
        assert "frame-ancestors 'none'" in csp
        assert "'unsafe-inline'" not in csp  # no script source beyond default-src 'self'
        for name, value in PAGE_HEADERS.items():
            assert answer.headers.get(name) == value, (answer.request.url, name)
    fresh = signed_in_client(app, token).get("/ui/integrations")
    cookie = fresh.headers["Set-Cookie"]  # the page's new CSRF secret is kept in the session
    for flag in ("HttpOnly", "Secure", "SameSite=Lax", "Path=/ui"):
        assert flag in cookie, flag


EVIL_TARGETS = [
    "https://evil.example/ui/",
    "//evil.example/ui/",
    "///evil.example/ui/",
    "/\\evil.example/ui/",
    "\\\\evil.example/ui/",
    "\t//evil.example/ui/",
    " //evil.example/ui/",
    "https:evil.example/ui/",
    "javascript:alert(1)//ui/",
    "/ui/\r\nLocation: https://evil.example/",
    "/ui/x\nSet-Cookie: tenant_config_ui=planted",
]


@pytest.mark.parametrize("target", EVIL_TARGETS)
def test_no_next_parameter_leaves_the_ui(dev_app, make_app, tenant, target):
    client = dev_app.test_client()
    login = client.get("/ui/login", query_string={"next": target})
    assert 'name="next" value="/ui/"' in login.data.decode()
    answer = client.post(
        "/ui/login/dev",
        data={"csrf_token": csrf_from(login.data), "tenants": tenant, "next": target},
    )
    assert answer.status_code == 303
    assert answer.headers["Location"] == "/ui/"
    oidc = make_app(oidc_issuer=f"http://127.0.0.1:{free_port()}", oidc_client_id="ui")
    browser = oidc.test_client()
    browser.get("/ui/login/oidc", query_string={"next": target})  # the provider is down: 502
    with browser.session_transaction("/ui/") as session:
        assert session[NEXT_KEY] == "/ui/"
