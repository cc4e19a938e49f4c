"""The deleted-configs page: what it lists, in which order, for whom, and at what cost."""

from __future__ import annotations

import re
from collections.abc import Callable

from sqlalchemy import event

from tenant_config.platform.database import db
from tests.support.bodies import config_body, integration_body
from tests.ui.support import csrf_from, text_of


def configs_url(config: dict) -> str:
    return f"/tenantintegrations/{config['integration']}/configs/{config['id']}"


def deleted_page(config_or_integration: dict) -> str:
    integration = config_or_integration.get("integration", config_or_integration["id"])
    return f"/ui/integrations/{integration}/deleted"


def listed(ui, integration: dict) -> list[str]:
    """Return the ids of the configs the deleted page lists, in its order."""
    answer = ui.get(deleted_page(integration))
    assert answer.status_code == 200
    return re.findall(r'<tr id="deleted-([0-9a-f-]+)">', answer.data.decode())


def test_the_page_lists_each_deleted_config_once_newest_first(
    ui, client, headers, integration, new_config
):
    kept, first, second = (new_config(name=name) for name in ("kept", "first", "second"))
    body = {key: first[key] for key in ("group", "name", "label", "sensitive")}
    for version in range(120):  # more rows than one page of the history API
        answer = client.put(
            configs_url(first), json=body | {"value": f"v{version}", "version": version},
            headers=headers,
        )  # fmt: skip
        assert answer.status_code == 200, answer.get_json()
    for config in (first, second):
        assert client.delete(configs_url(config), headers=headers).status_code == 204

    assert listed(ui, integration) == [second["id"], first["id"]]
    assert kept["id"] not in listed(ui, integration)

    page = ui.get(deleted_page(integration))
    undelete = {"csrf_token": csrf_from(page.data), "version": "0", "expectedVersion": "1"}
    restore = f"/ui/integrations/{integration['id']}/configs/{second['id']}/restore"
    restored = ui.post(restore, data=undelete)
    assert restored.status_code == 303, text_of(restored.data)
    assert listed(ui, integration) == [first["id"]]


def test_another_tenants_integration_is_not_found(ui_as, client, headers, integration, new_config):
    config = new_config()
    assert client.delete(configs_url(config), headers=headers).status_code == 204
    stranger = ui_as(tenants=["5b7a1a7e-0000-4000-8000-000000000000"])
    answer = stranger.get(deleted_page(integration))
    assert answer.status_code == 404
    assert config["name"] not in text_of(answer.data)


def statements_of(app, request: Callable[[], object]) -> int:
    """Count the SQL statements the database runs while `request` is answered."""
    count = 0

    def counted(*_args) -> None:
        nonlocal count
        count += 1

    with app.app_context():
        event.listen(db.engine, "before_cursor_execute", counted)
        try:
            request()
        finally:
            event.remove(db.engine, "before_cursor_execute", counted)
    return count


def test_the_page_reads_as_much_for_a_long_history_as_for_a_short_one(
    app, ui, client, headers, tenant
):
    pages = []
    for updates in (0, 150):
        made = client.post("/tenantintegrations", json=integration_body(tenant), headers=headers)
        config = client.post(
            f"/tenantintegrations/{made.get_json()['id']}/configs",
            json=config_body(), headers=headers,
        ).get_json()  # fmt: skip
        body = {key: config[key] for key in ("group", "name", "label", "sensitive")}
        for version in range(updates):
            changed = body | {"value": f"v{version}", "version": version}
            answer = client.put(configs_url(config), json=changed, headers=headers)
            assert answer.status_code == 200, answer.get_json()
        assert client.delete(configs_url(config), headers=headers).status_code == 204
        pages.append(deleted_page(config))
        assert ui.get(pages[-1]).status_code == 200  # warm: the token is checked and cached

    short, long = (statements_of(app, lambda url=url: ui.get(url)) for url in pages)
    assert long == short, f"{short} statements for 2 history rows, {long} for 152"
