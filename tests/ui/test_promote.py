"""Compare two integrations in the admin UI, and copy configs from one to the other."""

from __future__ import annotations

import re
import uuid

import pytest

from tenant_config.platform.scopes import CONFIG_READ, CONFIG_WRITE, INTEGRATION_READ
from tests.support.bodies import config_body, integration_body
from tests.support.tokens import SENSITIVE_SCOPES
from tests.ui.support import csrf_from, text_of


@pytest.fixture
def pair(client, headers, new_integration):
    """Two integrations: `here` with `only_here`, `there` with `only_there`, both with `shared`."""
    here, there = new_integration(name="test-env"), new_integration(name="prod-env")

    def put(integration, **body):
        url = f"/tenantintegrations/{integration['id']}/configs"
        answer = client.post(url, json=config_body(group="http", **body), headers=headers)
        assert answer.status_code == 201, answer.get_json()
        return answer.get_json()

    put(here, name="onlyHere", value="h")
    put(there, name="onlyThere", value="from-there")
    put(here, name="shared", value="30")
    put(there, name="shared", value="60")
    put(here, name="equal", value="same")
    put(there, name="equal", value="same")
    return here, there


def configs_of(client, headers, integration) -> dict[str, dict]:
    url = f"/tenantintegrations/{integration['id']}/configs?pageSize=100"
    answer = client.get(url, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return {config["name"]: config for config in answer.get_json()["content"]}


def section(html: bytes, section_id: str) -> str:
    match = re.search(rf'<section[^>]*id="{section_id}".*?</section>', html.decode(), re.S)
    assert match, f"no section {section_id}"
    return text_of(match.group(0))


def compare_url(here: dict, there: dict | str) -> str:
    other = there if isinstance(there, str) else there["id"]
    return f"/ui/integrations/{here['id']}/compare?with={other}"


def copy(ui, here, there, names, *, direction="here", on_conflict="abort", reason=""):
    page = ui.get(compare_url(here, there))
    form = {
        "csrf_token": csrf_from(page.data),
        "with": there if isinstance(there, str) else there["id"],
        "direction": direction,
        "onConflict": on_conflict,
        "reason": reason,
        "names": names,
    }
    return ui.post(f"/ui/integrations/{here['id']}/compare/copy", data=form)


def test_compare_shows_only_here_only_there_and_the_differences_field_by_field(ui, pair):
    here, there = pair
    page = ui.get(compare_url(here, there))
    assert page.status_code == 200
    assert "onlyHere" in section(page.data, "only-here")
    assert "onlyThere" not in section(page.data, "only-here")
    assert "onlyThere" in section(page.data, "only-there")
    different = section(page.data, "different")
    assert "shared value 30 60" in different
    assert "equal" not in different
    assert "equal" in text_of(page.data)  # listed as the same in both
    assert 'value="onlyThere"' in page.data.decode()  # a checkbox to copy it


def test_the_picker_lists_the_other_integrations_and_the_page_is_linked(ui, pair):
    here, there = pair
    page = ui.get(f"/ui/integrations/{here['id']}/compare")
    assert page.status_code == 200
    assert f'<option value="{there["id"]}"' in page.data.decode()
    assert f'<option value="{here["id"]}"' not in page.data.decode()
    searched = ui.get(
        f"/ui/integrations/{here['id']}/compare?search=prod-env",
        headers={"HX-Request": "true", "HX-Target": "picker"},
    )
    assert searched.status_code == 200
    assert "<html" not in searched.data.decode()  # the picker alone
    assert f'<option value="{there["id"]}"' in searched.data.decode()
    assert "prod-env" in text_of(searched.data)
    nothing = ui.get(
        f"/ui/integrations/{here['id']}/compare?search=no-such-integration",
        headers={"HX-Request": "true", "HX-Target": "picker"},
    )
    assert "No other integration matches." in text_of(nothing.data)
    show = ui.get(f"/ui/integrations/{here['id']}").data.decode()
    assert f"/ui/integrations/{here['id']}/compare" in show
    assert f"/ui/integrations/{here['id']}/instances" in show


def test_copying_a_missing_config_creates_it_with_the_source_value(ui, client, headers, pair):
    here, there = pair
    answer = copy(ui, here, there, ["onlyThere"], reason="Promote OPS-1")
    assert answer.status_code == 200, text_of(answer.data)
    assert "onlyThere" in section(answer.data, "created")
    copied = configs_of(client, headers, here)["onlyThere"]
    assert (copied["group"], copied["value"], copied["version"]) == ("http", "from-there", 0)
    rows = client.get(
        f"/tenantintegrations/{here['id']}/configs/versions", headers=headers
    ).get_json()["content"]
    assert {row["reason"] for row in rows if row["name"] == "onlyThere"} == {"Promote OPS-1"}


def test_copying_the_other_way_creates_it_there(ui, client, headers, pair):
    here, there = pair
    answer = copy(ui, here, there, ["onlyHere"], direction="there")
    assert answer.status_code == 200, text_of(answer.data)
    assert configs_of(client, headers, there)["onlyHere"]["value"] == "h"
    assert configs_of(client, headers, here)["onlyHere"]["version"] == 0


def test_skip_keeps_an_existing_config_and_overwrite_replaces_it(ui, client, headers, pair):
    here, there = pair
    skipped = copy(ui, here, there, ["shared", "onlyThere"], on_conflict="skip")
    assert skipped.status_code == 200, text_of(skipped.data)
    assert "shared" in section(skipped.data, "skipped")
    assert "onlyThere" in section(skipped.data, "created")
    stored = configs_of(client, headers, here)
    assert (stored["shared"]["value"], stored["shared"]["version"]) == ("30", 0)

    overwritten = copy(ui, here, there, ["shared"], on_conflict="overwrite")
    assert overwritten.status_code == 200, text_of(overwritten.data)
    assert "shared" in section(overwritten.data, "updated")
    stored = configs_of(client, headers, here)
    assert (stored["shared"]["value"], stored["shared"]["version"]) == ("60", 1)


def test_abort_with_a_conflict_copies_nothing_and_names_the_conflict(ui, client, headers, pair):
    here, there = pair
    answer = copy(ui, here, there, ["onlyThere", "shared"], on_conflict="abort")
    assert answer.status_code == 409
    text = text_of(answer.data)
    assert "Nothing was copied" in text
    assert "shared : The integration has a config named 'shared' already." in text
    stored = configs_of(client, headers, here)
    assert "onlyThere" not in stored
    assert (stored["shared"]["value"], stored["shared"]["version"]) == ("30", 0)


def test_another_tenants_integration_is_not_found_and_nothing_is_copied(
    ui, client, headers, make_token, pair
):
    here, _ = pair
    body = integration_body(str(uuid.uuid4()))
    owner = {"Authorization": f"Bearer {make_token(tenants=[body['tenant']])}"}
    theirs = client.post("/tenantintegrations", json=body, headers=owner).get_json()
    url = f"/tenantintegrations/{theirs['id']}/configs"
    assert client.post(url, json=config_body(name="secretPlan"), headers=owner).status_code == 201

    assert ui.get(compare_url(here, theirs)).status_code == 404
    csrf = csrf_from(ui.get(compare_url(here, here)).data)
    for direction in ("here", "there"):
        form = {"csrf_token": csrf, "with": theirs["id"], "direction": direction}
        answer = ui.post(
            f"/ui/integrations/{here['id']}/compare/copy",
            data=form | {"onConflict": "overwrite", "names": ["secretPlan", "onlyHere"]},
        )
        assert answer.status_code == 404, direction
        assert "not exist" in text_of(answer.data)
    assert "secretPlan" not in configs_of(client, headers, here)
    assert set(configs_of(client, owner, theirs)) == {"secretPlan"}


def test_a_secret_the_user_cannot_read_is_not_compared_and_left_out_of_a_copy(
    ui, client, headers, pair
):
    here, there = pair
    for integration, value in ((here, "a"), (there, "b")):
        url = f"/tenantintegrations/{integration['id']}/configs"
        body = config_body(group="http", name="apiKey", value=value, sensitive=True)
        assert client.post(url, json=body, headers=headers).status_code == 201
    page = ui.get(compare_url(here, there))
    assert "apiKey value Not compared" in section(page.data, "different")

    answer = copy(ui, here, there, ["apiKey"], on_conflict="overwrite")
    assert answer.status_code == 422
    text = text_of(answer.data)
    assert "Nothing was copied" in text
    assert "Left out (1) apiKey : it is a secret your access token cannot read" in text
    assert configs_of(client, headers, here)["apiKey"]["version"] == 0


def test_bad_input_is_refused_beside_its_field_and_changes_nothing(ui, client, headers, pair):
    here, there = pair
    assert ui.get(compare_url(here, "not-a-uuid")).status_code == 400
    assert ui.get(compare_url(here, str(uuid.uuid4()))).status_code == 404
    for field, value in (
        ("reason", "x" * 10_000),
        ("reason", "bad\x00reason"),
        ("onConflict", "merge"),
        ("direction", "sideways"),
    ):
        page = ui.get(compare_url(here, there))
        form = {"csrf_token": csrf_from(page.data), "with": there["id"], "direction": "here"}
        form |= {"onConflict": "skip", "names": ["onlyThere"], field: value}
        answer = ui.post(f"/ui/integrations/{here['id']}/compare/copy", data=form)
        assert answer.status_code == 422, (field, text_of(answer.data))
        assert f'id="{field}-error"' in answer.data.decode(), field
    nothing = copy(ui, here, there, [])
    assert nothing.status_code == 422
    assert "Tick at least one config" in text_of(nothing.data)
    for name in ("n" * 10_000, "no\x00such"):
        refused = copy(ui, here, there, [name, "onlyThere"])
        assert refused.status_code == 422
        assert "A config ticked is not a config name" in text_of(refused.data)
    unknown = copy(ui, here, there, ["noSuchName"])
    assert unknown.status_code == 422
    assert "noSuchName : it does not exist where it is copied from" in text_of(unknown.data)
    assert "onlyThere" not in configs_of(client, headers, here)


def test_a_token_without_the_scope_gets_a_403_page_and_copies_nothing(ui_as, client, headers, pair):
    here, there = pair
    reader = ui_as(scopes=(INTEGRATION_READ, CONFIG_READ))
    page = reader.get(compare_url(here, there))
    assert page.status_code == 200
    assert "you can compare but not copy" in text_of(page.data)
    assert 'type="checkbox"' not in page.data.decode()
    form = {"csrf_token": csrf_from(page.data), "with": there["id"], "direction": "here"}
    answer = reader.post(
        f"/ui/integrations/{here['id']}/compare/copy",
        data=form | {"onConflict": "skip", "names": ["onlyThere"]},
    )
    assert answer.status_code == 403
    assert CONFIG_WRITE in text_of(answer.data)
    assert "onlyThere" not in configs_of(client, headers, here)
    assert ui_as(scopes=(INTEGRATION_READ,)).get(compare_url(here, there)).status_code == 403
    unlisted = ui_as(scopes=(CONFIG_READ,)).get(compare_url(here, there))
    assert unlisted.status_code == 200  # the compare route's scope; the id is typed, not picked
    assert f'id="field-with" name="with" value="{there["id"]}"' in unlisted.data.decode()
    assert "onlyThere" in section(unlisted.data, "only-there")


def test_a_user_who_may_read_secrets_compares_and_copies_them(
    ui_as, client, sensitive_headers, pair
):
    here, there = pair
    url = f"/tenantintegrations/{there['id']}/configs"
    body = config_body(group="http", name="apiKey", value="s3cr3t", sensitive=True)
    assert client.post(url, json=body, headers=sensitive_headers).status_code == 201
    reader = ui_as(scopes=SENSITIVE_SCOPES)
    answer = copy(reader, here, there, ["apiKey"])
    assert answer.status_code == 200, text_of(answer.data)
    assert "apiKey" in section(answer.data, "created")
    assert "s3cr3t" not in answer.data.decode()
    copied = configs_of(client, sensitive_headers, here)["apiKey"]
    assert (copied["sensitive"], copied["value"]) == (True, "s3cr3t")
    again = reader.get(compare_url(here, there)).data
    assert "apiKey" not in section(again, "only-there")
    assert "apiKey" not in section(again, "different")  # compared, and the same now
