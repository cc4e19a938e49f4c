"""Attacks on what the admin UI shows: stored and reflected script, secrets, the access token."""

from __future__ import annotations

import re
import uuid
from html.parser import HTMLParser
from pathlib import Path

import pytest
from markupsafe import escape

import tenant_config.ui
from tenant_config.platform.scopes import INTEGRATION_READ
from tests.support.bodies import config_body, integration_body
from tests.support.instances import lookup_etag, report
from tests.support.tokens import SENSITIVE_SCOPES
from tests.ui.support import csrf_from, signed_in_client


def xss(tag: str) -> str:
    """A payload naming the field it sits in: script, attribute break-out, template, htmx."""
    return (
        f'<script>alert("{tag}")</script>"><img src=x onerror=alert("{tag}")>'
        f'\'{{{{7*7}}}} hx-get="/ui/logout" hx-trigger=load javascript:alert("{tag}")'
    )


def shown(html: bytes, tag: str) -> bool:
    """Tell whether the page shows the payload of `tag` as text (escaped, unevaluated)."""
    return str(escape(xss(tag))) in html.decode()


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    handle_startendtag = handle_starttag


def assert_inert(html: bytes) -> None:
    """Assert no payload became markup: no script but the shipped one, no handler, no htmx call."""
    parser = _Tags()
    parser.feed(html.decode())
    for tag, attrs in parser.tags:
        assert tag != "img", attrs
        if tag == "script":
            assert (attrs.get("src") or "").startswith("/ui/static/"), attrs
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, attrs)
            assert not (value or "").strip().lower().startswith("javascript:"), (tag, attrs)
        assert attrs.get("hx-get") != "/ui/logout", (tag, attrs)
        assert "hx-trigger" not in attrs or attrs["hx-trigger"] != "load", (tag, attrs)


@pytest.fixture
def evil(app, client, make_token, tenant):
    """A tenant whose every name, text, reason and user holds a payload; a client signed in."""
    token = make_token(scopes=SENSITIVE_SCOPES, tenants=[tenant], email=xss("who"), sub=xss("sub"))
    headers = {"Authorization": f"Bearer {token}"}

    def post(url, body):
        answer = client.post(url, json=body, headers=headers)
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()

    names = {"clientName": xss("client"), "tenantName": xss("tenant")}
    names["partnerTenantName"] = xss("partner")
    here = post("/tenantintegrations", integration_body(tenant, name=xss("here"), **names))
    there = post(
        "/tenantintegrations",
        integration_body(
            tenant, name=xss("there"), partnerTenant=f'"><img src=x onerror=1>{uuid.uuid4()}'
        ),
    )
    fields = {"group": xss("group"), "label": xss("label"), "description": xss("description")}
    here_configs = f"/tenantintegrations/{here['id']}/configs"
    config = post(here_configs, config_body(name=xss("name"), value=xss("value"), **fields))
    body = {key: config[key] for key in ("group", "name", "label", "description")}
    body |= {"value": xss("value2"), "version": 0, "reason": xss("reason")}
    answer = client.put(f"{here_configs}/{config['id']}", json=body, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    gone = post(here_configs, config_body(name="gone", label=xss("gone")))
    deleted = client.delete(
        f"{here_configs}/{gone['id']}", json={"reason": xss("why")}, headers=headers
    )
    assert deleted.status_code == 204, deleted.get_json()
    secret = post(here_configs, config_body(name="secret", value=xss("secret"), sensitive=True))
    post(f"/tenantintegrations/{there['id']}/configs", config_body(name=xss("name"), value="1"))
    post(f"/tenantintegrations/{there['id']}/configs", config_body(name=xss("only")))
    rejected = report(
        client, headers, here, "worker-1", lookup_etag(client, headers, here), reason=xss("inst")
    )
    assert rejected.status_code == 201, rejected.get_json()
    return {
        "ui": signed_in_client(app, token),
        "token": token,
        "here": here,
        "there": there,
        "config": config,
        "secret": secret,
    }


def test_every_page_shows_stored_and_reflected_payloads_as_text_only(evil):
    ui, here, config = evil["ui"], evil["here"], evil["config"]
    base = f"/ui/integrations/{here['id']}"
    edit = f"{base}/configs/{config['id']}"
    pages = {
        "/ui/integrations": ("here", "tenant", "who"),
        "/ui/integrations?search=alert": ("here", "there"),
        f"/ui/integrations?search={xss('search')[:190]}": (),
        f"/ui/integrations?pageSort={xss('sort')}": (),
        base: ("here", "tenant", "partner", "group", "label", "description", "value2"),
        f"{base}/edit": ("here", "client", "tenant", "partner", "who"),
        f"{base}/delete": ("here",),
        f"{base}/configs/new?name={xss('newname')}": ("newname",),
        f"{edit}/edit": ("name", "group", "label", "description", "value2"),
        f"{edit}/delete": ("name", "label", "value2"),
        f"{base}/configs/{evil['secret']['id']}/reveal": ("secret",),
        f"{edit}/history": ("name", "label", "value", "value2", "reason", "who"),
        f"{edit}/history?from=0&to=1": ("value", "value2"),
        f"{edit}/history?pageNumber={xss('page')}": ("who",),  # the header names the user
        f"{base}/deleted": ("gone", "why", "who"),
        f"{base}/as-of": ("name", "label", "value2", "who"),
        f"{base}/as-of?asOf={xss('instant')}": ("instant",),
        f"{base}/compare?with={evil['there']['id']}": ("here", "there", "name", "only"),
        f"{base}/compare?search=alert": ("there",),
        f"{base}/compare?with={xss('with')}": (),
        f"{base}/instances": ("inst", "who"),
        f"/ui/integrations/{uuid.uuid4()}": (),
    }
    for url, tags in pages.items():
        answer = ui.get(url)
        assert answer.status_code < 500, url
        assert_inert(answer.data)
        for tag in tags:
            assert shown(answer.data, tag), (url, tag)
        assert evil["token"] not in answer.data.decode(), url


def test_forms_answered_with_errors_or_conflicts_show_the_payloads_as_text_only(evil):
    ui, here, config = evil["ui"], evil["here"], evil["config"]
    base = f"/ui/integrations/{here['id']}"
    csrf = csrf_from(ui.get(base).data)
    answers = [
        (
            ui.post(
                f"{base}/edit",
                data={"csrf_token": csrf, "version": "7", "name": xss("mine"), "tenantName": ""},
            ),
            ("mine", "here"),
        ),
        (
            ui.post(
                f"{base}/configs/{config['id']}/edit",
                data={"csrf_token": csrf, "version": "0", "name": config["name"]}
                | {"group": xss("mygroup"), "value": xss("myvalue"), "reason": xss("myreason")},
            ),
            ("mygroup", "myvalue", "value2", "myreason"),
        ),
        (
            ui.post(
                "/ui/integrations/new",
                data={"csrf_token": csrf, "name": xss("newint"), "tenant": xss("badtenant")},
            ),
            ("newint", "badtenant"),
        ),
        (
            ui.post(
                f"{base}/configs/{config['id']}/restore",
                data={"csrf_token": csrf, "version": xss("v"), "expectedVersion": "1"},
            ),
            (),
        ),
        (
            ui.post(
                f"{base}/compare/copy",
                data={"csrf_token": csrf, "with": evil["there"]["id"], "direction": "here"}
                | {"onConflict": "skip", "names": [xss("only"), xss("missing")]},
            ),
            ("only", "missing", "there", "here"),
        ),
    ]
    for answer, tags in answers:
        assert answer.status_code in (200, 409, 422), answer.status_code
        assert_inert(answer.data)
        for tag in tags:
            assert shown(answer.data, tag), (answer.request.path, tag)
    created = ui.post(
        "/ui/integrations/new",
        data={"csrf_token": csrf, "name": xss("flash"), "tenant": here["tenant"]}
        | {"client": str(uuid.uuid4()), "partnerTenant": "p1", "connector": here["connector"]},
        follow_redirects=True,
    )
    assert created.status_code == 200
    assert_inert(created.data)
    assert shown(created.data, "flash")  # "Created <name>." flashed, escaped


def test_the_development_login_shows_a_payload_subject_as_text(dev_app, tenant):
    client = dev_app.test_client()
    login = client.get("/ui/login")
    answer = client.post(
        "/ui/login/dev",
        data={"csrf_token": csrf_from(login.data), "subject": xss("dev"), "tenants": tenant}
        | {"scope": [INTEGRATION_READ]},
        follow_redirects=True,
    )
    assert answer.status_code == 200
    assert_inert(answer.data)
    assert shown(answer.data, "dev")


def test_no_template_or_view_marks_text_as_safe_markup():
    ui = Path(tenant_config.ui.__file__).parent
    for template in (ui / "templates").rglob("*.html"):
        text = template.read_text()
        assert not re.search(r"\|\s*safe\b|autoescape\s+false", text), template
    for module in ui.glob("*.py"):
        assert not re.search(r"\bMarkup\(|render_template_string", module.read_text()), module
