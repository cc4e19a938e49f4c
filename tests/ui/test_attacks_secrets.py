"""Attacks on secrets in the admin UI: no page shows one to a token that may not read it."""

from __future__ import annotations

import uuid

import pytest

from tenant_config.platform.scopes import CONFIG_WRITE, VERSION_READ
from tests.support.bodies import config_body
from tests.support.tokens import ALL_SCOPES, SENSITIVE_SCOPES
from tests.ui.support import csrf_from, signed_in_client, text_of


@pytest.fixture
def secret_pair(client, headers, new_integration):
    """Two integrations holding secrets: `here` at version 1 (two secret values), `there`."""
    here, there = new_integration(name="sec-here"), new_integration(name="sec-there")
    canary = {key: f"CANARY-{uuid.uuid4()}" for key in ("old", "new", "there", "copied")}
    url = f"/tenantintegrations/{here['id']}/configs"
    body = config_body(group="g", name="apiKey", value=canary["old"], sensitive=True)
    created = client.post(url, json=body, headers=headers).get_json()
    update = body | {"value": canary["new"], "version": 0}
    answer = client.put(f"{url}/{created['id']}", json=update, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    there_url = f"/tenantintegrations/{there['id']}/configs"
    for name, value in (("apiKey", canary["there"]), ("onlyThere", canary["copied"])):
        body = config_body(group="g", name=name, value=value, sensitive=True)
        assert client.post(there_url, json=body, headers=headers).status_code == 201
    return here, there, created, canary


def test_no_page_shows_a_secret_to_a_token_without_read_sensitive(
    app, make_token, tenant, secret_pair
):
    here, there, config, canary = secret_pair
    ui = signed_in_client(app, make_token(scopes=ALL_SCOPES, tenants=[tenant]))
    base = f"/ui/integrations/{here['id']}"
    edit = f"{base}/configs/{config['id']}"
    answers = [
        ui.get(url)
        for url in (
            base,
            f"{edit}/edit",
            f"{edit}/delete",
            f"{edit}/history",
            f"{edit}/history?from=0&to=1",
            f"{base}/as-of",
            f"{base}/compare?with={there['id']}",
            f"{base}/deleted",
        )
    ]
    assert ui.get(f"{edit}/reveal").status_code == 403
    csrf = csrf_from(answers[0].data)
    answers.append(
        ui.post(
            f"{edit}/edit",
            data={"csrf_token": csrf, "version": "0", "group": "g", "name": "apiKey"}
            | {"value": "********", "sensitive": "true"},
        )
    )
    assert answers[-1].status_code == 409  # the conflict page, both sides
    answers.append(
        ui.post(
            f"{base}/compare/copy",
            data={"csrf_token": csrf, "with": there["id"], "direction": "here"}
            | {"onConflict": "overwrite", "names": ["apiKey", "onlyThere"]},
        )
    )
    assert "cannot read" in text_of(answers[-1].data)  # left out: its value is unreadable
    for answer in answers:
        assert answer.status_code < 500
        page = answer.data.decode()
        for value in canary.values():
            assert value not in page, (answer.request.path, value)


def test_a_revealed_secret_is_never_cached(app, make_token, tenant, secret_pair):
    here, _there, config, canary = secret_pair
    ui = signed_in_client(app, make_token(scopes=SENSITIVE_SCOPES, tenants=[tenant]))
    answer = ui.get(f"/ui/integrations/{here['id']}/configs/{config['id']}/reveal")
    assert answer.status_code == 200
    assert canary["new"] in answer.data.decode()
    assert answer.headers["Cache-Control"] == "no-store"
    history = ui.get(f"/ui/integrations/{here['id']}/configs/{config['id']}/history")
    assert canary["old"] in history.data.decode()  # ReadSensitive sees the old value there
    assert history.headers["Cache-Control"] == "no-store"


def test_a_token_that_may_only_write_sees_no_secret_in_what_its_forms_answer(
    app, make_token, tenant, secret_pair
):
    here, _there, config, canary = secret_pair
    ui = signed_in_client(app, make_token(scopes=(CONFIG_WRITE, VERSION_READ), tenants=[tenant]))
    edit = f"/ui/integrations/{here['id']}/configs/{config['id']}"
    form = ui.get(f"{edit}/edit")
    assert form.status_code == 200
    restored = ui.post(
        f"{edit}/restore",
        data={"csrf_token": csrf_from(form.data), "version": "0", "expectedVersion": "0"},
    )
    assert restored.status_code == 409  # the timeline, with the conflict above it
    for answer in (form, restored, ui.get(f"{edit}/history")):
        for value in canary.values():
            assert value not in answer.data.decode()
