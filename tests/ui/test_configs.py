"""Config pages of the admin UI: forms by definition, secrets, conflicts, reasons, refusals."""

from __future__ import annotations

import re
import uuid

import pytest

from tests.support.catalog import own_connector
from tests.support.tokens import ALL_SCOPES, SENSITIVE_SCOPES
from tests.support.urls import configs_url, history
from tests.ui.support import csrf_from, signed_in_client, text_of

MASK = "********"
DEFINED = (
    {"name": "logging", "type": "boolean", "label": "Enable logging"},
    {"name": "region", "type": "enum", "allowedValues": ["eu", "us"], "required": True},
    {"name": "timeout", "type": "integer", "minimum": 1, "maximum": 60, "required": True},
    {"name": "apiKey", "type": "secret", "label": "API key"},
)


@pytest.fixture
def defined(client, make_token, new_integration) -> dict:
    """An integration on a connector of the test's own that defines DEFINED."""
    return new_integration(connector=own_connector(client, make_token, *DEFINED))


def ui_url(integration: dict, config: dict | None = None, action: str = "edit") -> str:
    base = f"/ui/integrations/{integration['id']}/configs"
    return f"{base}/{config['id']}/{action}" if config else f"{base}/new"


def count(client, headers, integration) -> int:
    return len(client.get(configs_url(integration), headers=headers).get_json()["content"])


def stored(client, headers, integration, config) -> dict:
    return client.get(configs_url(integration, config), headers=headers).get_json()


def post_form(client, url: str, **fields) -> object:
    """Open the form at `url` and post it with `fields` (and its CSRF token)."""
    form = client.get(url)
    assert form.status_code == 200, text_of(form.data)
    return client.post(url, data={"csrf_token": csrf_from(form.data), **fields})


def field_error(html: bytes, name: str) -> str:
    """Return the message shown beside the field `name`."""
    match = re.search(rf'<small class="field-error" id="{name}-error">([^<]*)<', html.decode())
    assert match, f"no message beside {name}"
    return match.group(1)


def test_integration_page_groups_configs_and_flags_missing_required(ui, defined, client, headers):
    client.post(configs_url(defined), json={"name": "timeout", "value": "30"}, headers=headers)
    client.post(
        configs_url(defined),
        json={"group": "extra", "name": "free", "value": "x", "label": "Free one"},
        headers=headers,
    )
    page = ui.get(f"/ui/integrations/{defined['id']}")
    text = text_of(page.data)
    assert page.status_code == 200
    assert "1 required parameter missing" in text
    assert f"/ui/integrations/{defined['id']}/configs/new?name=region" in page.data.decode()
    assert re.search(r"extra .*Free one free .*x", text)
    assert re.search(r"settings .*timeout .*30 0", text)


def test_new_config_form_follows_the_definition(ui, defined):
    boolean = ui.get(ui_url(defined) + "?name=logging").data.decode()
    assert 'type="checkbox" role="switch" value="true"' in boolean
    enum = ui.get(ui_url(defined) + "?name=region").data.decode()
    assert '<select id="field-value" name="value" required' in enum
    assert '<option value="eu"' in enum
    assert '<option value="us"' in enum
    number = ui.get(ui_url(defined) + "?name=timeout").data.decode()
    assert 'type="number"' in number
    assert 'min="1"' in number
    assert 'max="60"' in number
    secret = ui.get(ui_url(defined) + "?name=apiKey").data.decode()
    assert 'type="password"' in secret
    free = ui.get(ui_url(defined) + "?name=anything").data.decode()
    assert '<textarea id="field-value"' in free
    assert 'name="sensitive"' in free


def test_adding_configs_stores_them_with_their_reason(ui, defined, client, headers):
    answer = post_form(
        ui, ui_url(defined), name="logging", value=["false", "true"], reason="Ticket 7"
    )
    assert answer.status_code == 303
    page = ui.get(answer.headers["Location"])
    assert "Added logging." in text_of(page.data)
    configs = client.get(configs_url(defined), headers=headers).get_json()["content"]
    [config] = configs
    assert (config["group"], config["value"], config["label"]) == (
        "settings",
        "true",
        "Enable logging",
    )
    assert history(client, headers, defined, config)[0]["reason"] == "Ticket 7"


def test_a_value_the_definition_refuses_is_shown_beside_the_field(ui, defined, client, headers):
    answer = post_form(ui, ui_url(defined), name="timeout", value="600")
    assert answer.status_code == 422
    assert field_error(answer.data, "value")
    assert 'value="600"' in answer.data.decode()  # the input is kept
    assert count(client, headers, defined) == 0


@pytest.mark.parametrize(
    ("field", "value"),
    [("value", "a\x00b"), ("value", "v" * 10_000), ("name", "n\x00"), ("reason", "r" * 2000)],
)
def test_bad_input_is_refused_beside_its_field_and_changes_nothing(
    ui, new_config, client, headers, integration, field, value
):
    config = new_config(value="before")
    fields = {"name": config["name"], "group": config["group"], "value": "after"}
    url = ui_url(integration, config)
    form = ui.get(url)
    answer = ui.post(
        url,
        data={"csrf_token": csrf_from(form.data), "version": "0", **fields, field: value},
    )
    assert answer.status_code == 422
    assert field_error(answer.data, field)
    assert stored(client, headers, integration, config)["value"] == "before"


def test_an_edit_based_on_a_stale_version_shows_both_and_saves_again_on_top(
    app, token, new_config, client, headers, integration
):
    config = new_config(value="original")
    url = ui_url(integration, config)
    alice, bob = signed_in_client(app, token), signed_in_client(app, token)
    alice_form, bob_form = alice.get(url), bob.get(url)
    common = {"name": config["name"], "group": config["group"], "sensitive": "false"}
    saved = alice.post(
        url,
        data={"csrf_token": csrf_from(alice_form.data), "version": "0", "value": "alice's"}
        | common,
    )
    assert saved.status_code == 303
    bob_data = {"csrf_token": csrf_from(bob_form.data), "value": "bob's", "reason": "mine"}
    conflict = bob.post(url, data=bob_data | common | {"version": "0"})
    assert conflict.status_code == 409
    text = text_of(conflict.data)
    assert "Someone else changed this config meanwhile" in text
    assert re.search(r"changed this config at .* \(version 1\)", text)
    assert re.search(r"Value differs alice's bob's", text)
    assert re.search(r"Sensitive false false", text)  # as the API writes it, not False
    html = conflict.data.decode()
    assert html.count('class="diff-new"') == 1  # only the row that differs is marked
    assert 'name="version" value="1"' in html
    assert ">bob&#39;s</textarea>" in html
    assert 'value="mine"' in html
    assert stored(client, headers, integration, config)["value"] == "alice's"
    again = bob.post(url, data=bob_data | common | {"version": "1"})
    assert again.status_code == 303
    now = stored(client, headers, integration, config)
    assert (now["value"], now["version"]) == ("bob's", 2)
    assert history(client, headers, integration, config)[-1]["reason"] == "mine"


def test_an_edit_of_a_config_deleted_meanwhile_keeps_the_input(
    ui, new_config, client, headers, integration
):
    config = new_config(value="original")
    url = ui_url(integration, config)
    form = ui.get(url)
    client.delete(configs_url(integration, config), headers=headers)
    answer = ui.post(
        url,
        data={
            "csrf_token": csrf_from(form.data),
            "version": "0",
            "name": config["name"],
            "group": config["group"],
            "value": "my edit",
        },
    )
    assert answer.status_code == 404
    assert "This config was deleted meanwhile" in text_of(answer.data)
    html = answer.data.decode()
    assert f'action="{ui_url(integration)}"' in html
    assert ">my edit</textarea>" in html
    assert count(client, headers, integration) == 0
    again = ui.post(
        ui_url(integration),
        data={"csrf_token": csrf_from(html), "name": config["name"], "group": "g", "value": "v"},
    )
    assert again.status_code == 303
    assert count(client, headers, integration) == 1


def test_secrets_are_masked_and_revealed_only_with_read_sensitive(
    app, make_token, tenant, defined, client, sensitive_headers
):
    body = {"name": "apiKey", "value": "s3cret-value"}
    config = client.post(configs_url(defined), json=body, headers=sensitive_headers).get_json()
    plain = signed_in_client(app, make_token(scopes=ALL_SCOPES, tenants=[tenant]))
    page = plain.get(f"/ui/integrations/{defined['id']}").data.decode()
    assert MASK in page
    assert "s3cret-value" not in page
    assert "Reveal" not in page
    reveal_url = ui_url(defined, config, "reveal")
    assert plain.get(reveal_url).status_code == 403
    edit = plain.get(ui_url(defined, config)).data.decode()
    assert f'type="password" value="{MASK}"' in edit
    assert "s3cret-value" not in edit

    allowed = signed_in_client(app, make_token(scopes=SENSITIVE_SCOPES, tenants=[tenant]))
    page = allowed.get(f"/ui/integrations/{defined['id']}").data.decode()
    assert "s3cret-value" not in page
    assert f'hx-get="{reveal_url}"' in page
    revealed = allowed.get(reveal_url, headers={"HX-Request": "true"})
    assert revealed.status_code == 200
    assert "s3cret-value" in revealed.data.decode()
    assert revealed.headers["Cache-Control"] == "no-store"
    edit = allowed.get(ui_url(defined, config)).data.decode()
    assert "s3cret-value" not in edit  # the form shows the mask; Reveal shows the value


def test_saving_a_secret_left_masked_keeps_it(ui, defined, client, sensitive_headers):
    body = {"name": "apiKey", "value": "s3cret-value"}
    config = client.post(configs_url(defined), json=body, headers=sensitive_headers).get_json()
    answer = post_form(
        ui,
        ui_url(defined, config),
        name="apiKey",
        value=MASK,
        label="Renamed key",
        version="0",
    )
    assert answer.status_code == 303
    now = stored(client, sensitive_headers, defined, config)
    assert (now["value"], now["label"], now["version"]) == ("s3cret-value", "Renamed key", 1)


def test_deleting_a_config_asks_first_and_refuses_a_stale_confirmation(
    ui, new_config, client, headers, integration
):
    config = new_config(value="old")
    url = ui_url(integration, config, "delete")
    confirm = ui.get(url)
    assert f"Delete {config['name']}?" in text_of(confirm.data)
    client.put(
        configs_url(integration, config),
        json={"name": config["name"], "group": config["group"], "value": "new", "version": 0},
        headers=headers,
    )
    token = csrf_from(confirm.data)
    stale = ui.post(url, data={"csrf_token": token, "version": "0", "reason": "cleanup"})
    assert stale.status_code == 409
    assert "Nothing was deleted" in text_of(stale.data)
    assert 'name="version" value="1"' in stale.data.decode()
    assert stored(client, headers, integration, config)["value"] == "new"
    done = ui.post(url, data={"csrf_token": token, "version": "1", "reason": "cleanup"})
    assert done.status_code == 303
    assert client.get(configs_url(integration, config), headers=headers).status_code == 404
    assert history(client, headers, integration, config)[-1]["reason"] == "cleanup"


def test_another_tenants_config_is_not_found_and_unchanged(
    app, make_token, new_config, client, headers, integration
):
    config = new_config(value="theirs")
    stranger = signed_in_client(app, make_token(scopes=ALL_SCOPES, tenants=[str(uuid.uuid4())]))
    csrf = csrf_from(stranger.get("/ui/integrations").data)
    for action in ("edit", "delete", "reveal"):
        assert stranger.get(ui_url(integration, config, action)).status_code == 404
    fields = {"csrf_token": csrf, "version": "0", "name": config["name"], "value": "mine"}
    assert stranger.post(ui_url(integration, config), data=fields).status_code == 404
    assert stranger.post(ui_url(integration, config, "delete"), data=fields).status_code == 404
    assert stranger.post(ui_url(integration), data=fields | {"group": "g"}).status_code == 404
    assert stored(client, headers, integration, config)["value"] == "theirs"


def test_writing_needs_the_config_write_scope(app, make_token, tenant, new_config, integration):
    config = new_config()
    reader = signed_in_client(app, make_token(scopes=ALL_SCOPES[:-2], tenants=[tenant]))
    page = reader.get(f"/ui/integrations/{integration['id']}")
    assert "Add a config" not in text_of(page.data)
    assert reader.get(ui_url(integration)).status_code == 403
    assert reader.get(ui_url(integration, config)).status_code == 403
    csrf = csrf_from(page.data)
    answer = reader.post(ui_url(integration, config), data={"csrf_token": csrf, "version": "0"})
    assert answer.status_code == 403
