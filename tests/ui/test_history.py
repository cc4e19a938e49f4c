"""History pages: timeline, diff, restore, undelete and the point-in-time view."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta

import pytest

from tests.support.tokens import ALL_SCOPES, SENSITIVE_SCOPES
from tests.ui.support import csrf_from, signed_in_client, text_of

VERSION_READ = "ConnTenantConfigApi:TenantConfigVersion:Read"
CONFIG_WRITE = "ConnTenantConfigApi:TenantConfig:Write"


def api_url(config: dict) -> str:
    return f"/tenantintegrations/{config['integration']}/configs/{config['id']}"


def ui_url(config: dict, page: str = "history") -> str:
    return f"/ui/integrations/{config['integration']}/configs/{config['id']}/{page}"


def update(client, headers, config: dict, value: str, reason: str | None = None) -> dict:
    body = {key: config[key] for key in ("group", "name", "label", "sensitive")}
    body |= {"value": value, "version": config["version"], "reason": reason}
    answer = client.put(api_url(config), json=body, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def stored(client, headers, config: dict) -> dict:
    return client.get(api_url(config), headers=headers).get_json()


def history_rows(client, headers, config: dict) -> list[dict]:
    return client.get(f"{api_url(config)}/versions", headers=headers).get_json()["content"]


def restore(ui, config: dict, **form):
    """Post the restore form as the timeline page offers it."""
    csrf = csrf_from(ui.get(ui_url(config)).data)
    return ui.post(ui_url(config, "restore"), data={"csrf_token": csrf, **form})


@pytest.fixture
def changed(client, headers, new_config) -> dict:
    """A config at version 1: "true" first, then "false" for a reason."""
    return update(client, headers, new_config(value="true"), "false", "Ticket OPS-7: quieter")


def test_timeline_lists_versions_newest_first_with_who_and_why(ui, changed):
    answer = ui.get(ui_url(changed))
    assert answer.status_code == 200
    rows = re.findall(r'<tr id="version-(\d+)">', answer.data.decode())
    assert rows == ["1", "0"]
    text = text_of(answer.data)
    assert "UPDATE" in text
    assert "CREATE" in text
    assert "Ticket OPS-7: quieter" in text
    assert re.search(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", text)


def test_the_integration_page_links_to_the_history_pages(ui, changed):
    text = ui.get(f"/ui/integrations/{changed['integration']}").data.decode()
    assert ui_url(changed) in text
    assert f"/ui/integrations/{changed['integration']}/as-of" in text
    assert f"/ui/integrations/{changed['integration']}/deleted" in text


def test_diff_shows_the_changed_value(ui, changed):
    answer = ui.get(f"{ui_url(changed)}?from=0&to=1")
    assert answer.status_code == 200
    diff = text_of(answer.data.decode().split('id="diff"')[1].split("</section>")[0])
    assert "value true false" in diff


def test_diff_for_htmx_answers_only_the_diff(ui, changed):
    headers = {"HX-Request": "true", "HX-Target": "diff"}
    answer = ui.get(f"{ui_url(changed)}?from=0", headers=headers)
    assert answer.data.decode().lstrip().startswith('<section id="diff"')
    assert "value true false" in text_of(answer.data)


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [
        ("from=abc", 400, "Not a valid integer"),
        ("from=-1", 400, "From version"),
        ("from=0&to=99", 404, "no version 99"),
    ],
)
def test_a_bad_diff_query_says_what_is_wrong(ui, changed, query, status, message):
    answer = ui.get(f"{ui_url(changed)}?{query}")
    assert answer.status_code == status
    assert message in text_of(answer.data)


def test_diff_of_a_secret_hides_its_values_without_read_sensitive(
    app, make_token, tenant, client, headers, new_config
):
    config = update(client, headers, new_config(value="s3cret-a", sensitive=True), "s3cret-b")
    masked = signed_in_client(app, make_token(tenants=[tenant], scopes=ALL_SCOPES))
    text = text_of(masked.get(f"{ui_url(config)}?from=0").data)
    assert "the secret values are hidden" in text
    assert "s3cret" not in text
    revealing = signed_in_client(app, make_token(tenants=[tenant], scopes=SENSITIVE_SCOPES))
    assert "s3cret-a s3cret-b" in text_of(revealing.get(f"{ui_url(config)}?from=0").data)


@pytest.mark.parametrize("number", ["-1", "abc", "99999999999"])
def test_a_bad_timeline_page_number_says_so(ui, changed, number):
    answer = ui.get(f"{ui_url(changed)}?pageNumber={number}")
    assert answer.status_code == 400
    assert "There is no such page of this history" in text_of(answer.data)


def test_restore_makes_the_old_value_current_with_a_restore_row(ui, client, headers, changed):
    answer = restore(ui, changed, version="0", expectedVersion="1", reason="Back to tested")
    assert answer.status_code == 303
    assert answer.headers["Location"] == ui_url(changed)
    now = stored(client, headers, changed)
    assert (now["value"], now["version"]) == ("true", 2)
    newest = history_rows(client, headers, changed)[0]
    assert (newest["operation"], newest["reason"], newest["restoredFrom"]) == (
        "RESTORE",
        "Back to tested",
        0,
    )
    page = text_of(ui.get(answer.headers["Location"]).data)
    assert "Version 0 of" in page
    assert "as version 2" in page
    assert "from version 0" in page


def test_a_stale_restore_is_a_conflict_message_and_changes_nothing(ui, client, headers, changed):
    answer = restore(ui, changed, version="0", expectedVersion="0")
    assert answer.status_code == 409
    text = text_of(answer.data)
    assert "Version Conflict" in text
    assert "at version 1, not 0" in text
    assert (
        stored(client, headers, changed)["version"],
        len(history_rows(client, headers, changed)),
    ) == (1, 2)


@pytest.mark.parametrize(
    "form",
    [
        {"version": "abc", "expectedVersion": "1"},
        {"version": "0"},
        {"version": "0", "expectedVersion": "1", "reason": "x\x00y"},
        {"version": "0", "expectedVersion": "1", "reason": "r" * 10_000},
        {"version": str(2**40), "expectedVersion": "1"},
    ],
)
def test_bad_restore_input_is_refused_and_changes_nothing(ui, client, headers, changed, form):
    answer = restore(ui, changed, **form)
    assert answer.status_code == 422
    assert "The restore was not made" in text_of(answer.data)
    assert stored(client, headers, changed)["version"] == 1


def test_restoring_an_unknown_version_says_so(ui, client, headers, changed):
    answer = restore(ui, changed, version="7", expectedVersion="1")
    assert answer.status_code == 404
    assert "no version 7" in text_of(answer.data)
    assert stored(client, headers, changed)["version"] == 1


def test_undelete_brings_a_deleted_config_back(ui, client, headers, changed):
    deleted = client.delete(api_url(changed), json={"reason": "not needed"}, headers=headers)
    assert deleted.status_code == 204
    listing = ui.get(f"/ui/integrations/{changed['integration']}/deleted")
    assert listing.status_code == 200
    assert changed["name"] in text_of(listing.data)
    assert "not needed" in text_of(listing.data)
    assert "Undelete" in text_of(listing.data)
    answer = ui.post(
        ui_url(changed, "restore"),
        data={"csrf_token": csrf_from(listing.data), "version": "1", "expectedVersion": "2"},
    )
    assert answer.status_code == 303
    back = stored(client, headers, changed)
    assert (back["value"], back["version"]) == ("false", 3)
    listing = ui.get(f"/ui/integrations/{changed['integration']}/deleted")
    assert f'id="deleted-{changed["id"]}"' not in listing.data.decode()
    assert "No config of this integration is deleted" in text_of(listing.data)


def test_the_timeline_of_a_deleted_config_offers_undelete(ui, client, headers, changed):
    client.delete(api_url(changed), headers=headers)
    text = text_of(ui.get(ui_url(changed)).data)
    assert "This config was deleted" in text
    assert "Undelete" in text


def test_point_in_time_shows_the_value_of_then(ui, client, headers, new_config):
    config = new_config(value="early")
    instant = datetime.now(UTC).replace(tzinfo=None)  # UTC, as a datetime-local field sends
    update(client, headers, config, "late")
    answer = ui.get(f"/ui/integrations/{config['integration']}/as-of?asOf={instant.isoformat()}")
    assert answer.status_code == 200
    row = text_of(answer.data.decode().split(f'id="config-{config["id"]}"')[1].split("</tr>")[0])
    assert "early" in row
    assert "late" not in row
    assert config["group"] in text_of(answer.data)
    now = ui.get(f"/ui/integrations/{config['integration']}/as-of")
    assert "late" in text_of(now.data)


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("yesterday", "Not a valid datetime"),
        ("2026-01-01T00:00\x00", "must not contain NUL"),  # the app refuses it before a view
        ("2" * 10_000, "Not a valid datetime"),
        ((datetime.now(UTC) + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M"), "in the future"),
    ],
)
def test_point_in_time_refuses_a_bad_or_future_instant(ui, integration, value, message):
    answer = ui.get(f"/ui/integrations/{integration['id']}/as-of", query_string={"asOf": value})
    assert answer.status_code == 400
    assert message in text_of(answer.data)


def test_another_tenants_config_is_a_404_page(app, make_token, client, headers, changed):
    stranger = signed_in_client(app, make_token(tenants=[str(uuid.uuid4())]))
    assert stranger.get(ui_url(changed)).status_code == 404
    assert stranger.get(f"/ui/integrations/{changed['integration']}/deleted").status_code == 404
    assert stranger.get(f"/ui/integrations/{changed['integration']}/as-of").status_code == 404
    own = signed_in_client(app, make_token(tenants=[str(uuid.uuid4())]))
    other = f"/ui/integrations/{changed['integration']}/configs/{uuid.uuid4()}/history"
    assert own.get(other).status_code == 404
    csrf = csrf_from(stranger.get("/ui/integrations").data)
    form = {"csrf_token": csrf, "version": "0", "expectedVersion": "1"}
    assert stranger.post(ui_url(changed, "restore"), data=form).status_code == 404
    assert stored(client, headers, changed)["version"] == 1


def test_pages_need_the_scope_of_their_api_route(app, make_token, tenant, client, headers, changed):
    without_history = [scope for scope in ALL_SCOPES if scope != VERSION_READ]
    reader = signed_in_client(app, make_token(tenants=[tenant], scopes=without_history))
    answer = reader.get(ui_url(changed))
    assert answer.status_code == 403
    assert VERSION_READ in text_of(answer.data)
    without_write = [scope for scope in ALL_SCOPES if scope != CONFIG_WRITE]
    viewer = signed_in_client(app, make_token(tenants=[tenant], scopes=without_write))
    page = viewer.get(ui_url(changed))
    assert "Restore this version" not in text_of(page.data)
    form = {"csrf_token": csrf_from(page.data), "version": "0", "expectedVersion": "1"}
    assert viewer.post(ui_url(changed, "restore"), data=form).status_code == 403
    assert stored(client, headers, changed)["version"] == 1
