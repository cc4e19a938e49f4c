"""Integration forms of the admin UI: create, edit (with its conflicts), delete with its configs."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.support.tokens import ALL_SCOPES
from tests.support.urls import configs_url
from tests.ui.support import csrf_from, signed_in_client, text_of


def api_url(integration: dict) -> str:
    return f"/tenantintegrations/{integration['id']}"


def ui_url(integration: dict, action: str) -> str:
    return f"/ui/integrations/{integration['id']}/{action}"


def field_error(html: bytes, name: str) -> str:
    """Return the message shown beside the field `name`."""
    match = re.search(rf'<small class="field-error" id="{name}-error">([^<]*)<', html.decode())
    assert match, f"no message beside {name}"
    return match.group(1)


def new_fields(tenant: str, **overrides) -> dict:
    return {
        "name": "shop-to-tax",
        "connector": "BIGCOMMERCE_OSERIES",
        "tenant": tenant,
        "client": str(uuid.uuid4()),
        "partnerTenant": f"store-{uuid.uuid4().hex[:8]}",
        "tenantName": "",
        "clientName": "Company B",
        "partnerTenantName": "",
    } | overrides


def listed(client, headers, tenant: str) -> list[dict]:
    answer = client.get(f"/tenantintegrations?tenant={tenant}", headers=headers)
    return answer.get_json()["content"]


def test_creating_an_integration_stores_it_and_opens_its_page(ui, tenant, client, headers):
    assert 'href="/ui/integrations/new"' in ui.get("/ui/integrations").data.decode()
    form = ui.get("/ui/integrations/new")
    assert form.status_code == 200
    assert f'value="{tenant}"' in form.data.decode()  # the token's only tenant, prefilled
    fields = new_fields(tenant)
    answer = ui.post("/ui/integrations/new", data={"csrf_token": csrf_from(form.data), **fields})
    assert answer.status_code == 303
    [created] = listed(client, headers, tenant)
    assert answer.headers["Location"] == f"/ui/integrations/{created['id']}"
    assert (created["name"], created["partnerTenant"]) == ("shop-to-tax", fields["partnerTenant"])
    assert (created["clientName"], created["tenantName"]) == ("Company B", None)
    page = ui.get(answer.headers["Location"])
    assert "Created shop-to-tax." in text_of(page.data)


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("name", "a\x00b"),
        ("name", "n" * 10_000),
        ("client", "not-a-uuid"),
        ("partnerTenant", "a/b"),
        ("tenantName", "t" * 300),
    ],
)
def test_bad_input_is_shown_beside_its_field_and_creates_nothing(
    ui, tenant, client, headers, field, value
):
    form = ui.get("/ui/integrations/new")
    data = {"csrf_token": csrf_from(form.data), **new_fields(tenant), field: value}
    answer = ui.post("/ui/integrations/new", data=data)
    assert answer.status_code == 422
    assert field_error(answer.data, field)
    assert listed(client, headers, tenant) == []


def test_refusals_of_the_service_are_shown_on_the_form(ui, tenant, client, headers):
    csrf = csrf_from(ui.get("/ui/integrations/new").data)
    other = str(uuid.uuid4())
    foreign = ui.post("/ui/integrations/new", data={"csrf_token": csrf, **new_fields(other)})
    assert foreign.status_code == 403
    assert "tenant claims do not cover" in text_of(foreign.data)
    unknown = ui.post(
        "/ui/integrations/new",
        data={"csrf_token": csrf, **new_fields(tenant, connector="NO_SUCH_CONNECTOR")},
    )
    assert unknown.status_code == 422
    assert field_error(unknown.data, "connector").startswith("One of: ")
    assert listed(client, headers, tenant) == []
    assert listed(client, headers, other) == []


def test_an_edit_based_on_a_stale_version_shows_both_and_saves_again_on_top(
    app, token, integration, client, headers
):
    url = ui_url(integration, "edit")
    alice, bob = signed_in_client(app, token), signed_in_client(app, token)
    alice_form, bob_form = alice.get(url), bob.get(url)
    names = {"clientName": "", "tenantName": "", "partnerTenantName": ""}
    saved = alice.post(
        url,
        data={"csrf_token": csrf_from(alice_form.data), "version": "0", "name": "alice-name"}
        | names,
    )
    assert saved.status_code == 303
    bob_data = {"csrf_token": csrf_from(bob_form.data), "name": "bob-name"} | names
    conflict = bob.post(url, data=bob_data | {"version": "0"})
    assert conflict.status_code == 409
    text = text_of(conflict.data)
    assert re.search(r"changed this integration at .* \(version 1\)", text)
    assert "Name differs alice-name bob-name" in text
    assert 'name="version" value="1"' in conflict.data.decode()
    assert 'value="bob-name"' in conflict.data.decode()
    assert client.get(api_url(integration), headers=headers).get_json()["name"] == "alice-name"
    again = bob.post(url, data=bob_data | {"version": "1"})
    assert again.status_code == 303
    now = client.get(api_url(integration), headers=headers).get_json()
    assert (now["name"], now["version"], now["clientName"]) == ("bob-name", 2, None)
    assert now["partnerTenant"] == integration["partnerTenant"]  # fixed fields stay


def test_deleting_an_integration_confirms_its_configs_and_deletes_them(
    ui, integration, new_config, client, headers
):
    new_config()
    new_config()
    url = ui_url(integration, "delete")
    confirm = ui.get(url)
    assert "Its 2 configs will be deleted too." in text_of(confirm.data)
    csrf = csrf_from(confirm.data)
    stale = ui.post(url, data={"csrf_token": csrf, "version": "7"})
    assert stale.status_code == 409
    assert "Nothing was deleted" in text_of(stale.data)
    assert client.get(api_url(integration), headers=headers).status_code == 200
    done = ui.post(url, data={"csrf_token": csrf, "version": "0", "reason": "retired"})
    assert done.status_code == 303
    assert done.headers["Location"] == "/ui/integrations"
    assert client.get(api_url(integration), headers=headers).status_code == 404
    assert client.get(configs_url(integration), headers=headers).status_code == 404


def test_another_tenants_integration_is_not_found_and_unchanged(
    app, make_token, integration, client, headers
):
    stranger = signed_in_client(app, make_token(scopes=ALL_SCOPES, tenants=[str(uuid.uuid4())]))
    csrf = csrf_from(stranger.get("/ui/integrations").data)
    for action in ("edit", "delete"):
        assert stranger.get(ui_url(integration, action)).status_code == 404
        answer = stranger.post(
            ui_url(integration, action), data={"csrf_token": csrf, "version": "0", "name": "x"}
        )
        assert answer.status_code == 404
    now = client.get(api_url(integration), headers=headers).get_json()
    assert (now["name"], now["version"]) == (integration["name"], 0)


def test_changing_integrations_needs_the_write_scope(app, make_token, tenant, integration):
    reader = signed_in_client(
        app,
        make_token(
            scopes=[s for s in ALL_SCOPES if "Integration:Write" not in s], tenants=[tenant]
        ),
    )
    assert "New integration" not in text_of(reader.get("/ui/integrations").data)
    page = reader.get(f"/ui/integrations/{integration['id']}")
    assert "Edit the integration" not in text_of(page.data)
    csrf = csrf_from(page.data)
    assert reader.get("/ui/integrations/new").status_code == 403
    assert reader.get(ui_url(integration, "edit")).status_code == 403
    answer = reader.post(ui_url(integration, "delete"), data={"csrf_token": csrf, "version": "0"})
    assert answer.status_code == 403
