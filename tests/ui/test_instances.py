"""The connector instances of an integration in the admin UI."""

from __future__ import annotations

import re

from tenant_config.platform.scopes import INTEGRATION_READ
from tests.support.instances import lookup_etag, report
from tests.ui.support import text_of


def rows(html: bytes) -> dict[str, str]:
    """The instances table's rows as text, by instance id."""
    found = re.findall(r'<tr id="instance-\d+">(.*?)</tr>', html.decode(), re.S)
    return {text_of(row).split()[0]: text_of(row) for row in found}


def test_instances_say_which_version_each_applied_and_whether_it_is_the_latest(
    ui, client, headers, integration, new_config
):
    config = new_config(value="v0")
    etag = lookup_etag(client, headers, integration)
    assert report(client, headers, integration, "worker-1", etag).status_code == 201
    rejected = report(
        client, headers, integration, "worker-2", '"old"', status="rejected", reason="bad value"
    )
    assert rejected.status_code == 201

    page = ui.get(f"/ui/integrations/{integration['id']}/instances")
    assert page.status_code == 200
    listed = rows(page.data)
    assert set(listed) == {"worker-1", "worker-2"}
    assert listed["worker-1"].endswith("applied Latest")
    assert etag.strip('"')[:10] in listed["worker-1"]
    assert "rejected bad value Not latest" in listed["worker-2"]

    body = {"group": config["group"], "name": config["name"], "value": "v1", "version": 0}
    url = f"/tenantintegrations/{integration['id']}/configs/{config['id']}"
    assert client.put(url, json=body, headers=headers).status_code == 200
    after_change = rows(ui.get(f"/ui/integrations/{integration['id']}/instances").data)
    assert "Not latest" in after_change["worker-1"]

    only_rejected = ui.get(f"/ui/integrations/{integration['id']}/instances?status=rejected")
    assert set(rows(only_rejected.data)) == {"worker-2"}


def test_without_reports_the_page_explains_how_connectors_report(ui, integration):
    page = ui.get(f"/ui/integrations/{integration['id']}/instances")
    assert page.status_code == 200
    text = text_of(page.data)
    assert "No connector instance has reported" in text
    assert f"PUT /connectors/{integration['connector']}/partnertenants/" in text


def test_bad_filters_unknown_integrations_and_missing_scopes_are_refused(ui, ui_as, integration):
    url = f"/ui/integrations/{integration['id']}/instances"
    bad = ui.get(f"{url}?status=lost&pageSize=100000")
    assert bad.status_code == 400
    assert "Some filters are not valid" in text_of(bad.data)
    assert (
        ui.get("/ui/integrations/00000000-0000-0000-0000-000000000000/instances").status_code == 404
    )
    assert ui_as(scopes=(INTEGRATION_READ,)).get(url).status_code == 403
