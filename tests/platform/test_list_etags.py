"""Lists, the connector lookup and the history: a strong ETag of the answer, If-None-Match, 304."""

from __future__ import annotations

import re

import pytest

STRONG_ETAG = re.compile(r'^"[0-9a-f]{64}"$')
INTEGRATION_FIELDS = (
    *("name", "client", "clientName", "tenant", "tenantName"),
    *("partnerTenant", "partnerTenantName", "connector"),
)


def configs_url(integration: dict) -> str:
    return f"/tenantintegrations/{integration['id']}/configs"


def lookup_url(integration: dict) -> str:
    connector, partner = integration["connector"], integration["partnerTenant"]
    return f"/connectors/{connector}/partnertenants/{partner}/configs"


def history_url(integration: dict) -> str:
    return f"/tenantintegrations/{integration['id']}/configs/versions"


def integrations_url(integration: dict) -> str:
    return f"/tenantintegrations?tenant={integration['tenant']}"


CONFIG_ROUTES = {"configs": configs_url, "lookup": lookup_url, "history": history_url}
ALL_ROUTES = CONFIG_ROUTES | {"integrations": integrations_url}


def fetch(client, url: str, headers: dict, etag: str | None = None):
    return client.get(url, headers=headers | ({"If-None-Match": etag} if etag else {}))


def etag_of(client, url: str, headers: dict) -> str:
    response = fetch(client, url, headers)
    assert response.status_code == 200, response.get_json()
    assert STRONG_ETAG.match(response.headers["ETag"]), response.headers["ETag"]
    return response.headers["ETag"]


def assert_not_modified(response, etag: str) -> None:
    assert response.status_code == 304
    assert response.headers["ETag"] == etag
    assert response.get_data() == b""
    assert "Content-Type" not in response.headers
    assert "Authorization" in response.vary


def update_config(client, headers, integration, config, **changes) -> dict:
    body = {"group": config["group"], "name": config["name"], "value": config["value"]}
    response = client.put(
        f"{configs_url(integration)}/{config['id']}",
        json=body | {"sensitive": config["sensitive"], "version": config["version"]} | changes,
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


def rename_integration(client, headers, integration, name: str) -> dict:
    body = {field: integration[field] for field in INTEGRATION_FIELDS}
    response = client.put(
        f"/tenantintegrations/{integration['id']}",
        json=body | {"name": name, "version": integration["version"]},
        headers=headers,
    )
    assert response.status_code == 200, response.get_json()
    return response.get_json()


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_answer_is_not_modified_until_a_write(route, client, headers, integration, new_config):
    config = new_config()
    url = ALL_ROUTES[route](integration)
    first = fetch(client, url, headers)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    assert STRONG_ETAG.match(etag), etag
    assert "Authorization" in first.vary
    assert_not_modified(fetch(client, url, headers, etag), etag)
    assert etag_of(client, url, headers) == etag

    if route == "integrations":
        rename_integration(client, headers, integration, "renamed")
    else:
        update_config(client, headers, integration, config, value="false")
    after = fetch(client, url, headers, etag)
    assert after.status_code == 200
    assert after.headers["ETag"] != etag
    assert after.get_json() != first.get_json()
    assert_not_modified(fetch(client, url, headers, after.headers["ETag"]), after.headers["ETag"])


@pytest.mark.parametrize("route", CONFIG_ROUTES)
def test_every_change_of_a_row_gives_a_new_etag(route, client, headers, integration, new_config):
    url = CONFIG_ROUTES[route](integration)
    seen = [etag_of(client, url, headers)]
    config = new_config(name="first")
    seen.append(etag_of(client, url, headers))
    new_config(name="second")
    seen.append(etag_of(client, url, headers))
    update_config(client, headers, integration, config, label="Another label")
    seen.append(etag_of(client, url, headers))
    deleted = client.delete(f"{configs_url(integration)}/{config['id']}", headers=headers)
    assert deleted.status_code == 204
    seen.append(etag_of(client, url, headers))
    assert len(set(seen)) == len(seen), seen


@pytest.mark.parametrize("route", CONFIG_ROUTES)
def test_renaming_the_integration_changes_the_config_answers(
    route, client, headers, integration, new_config
):
    new_config()
    url = CONFIG_ROUTES[route](integration)
    before = etag_of(client, url, headers)
    rename_integration(client, headers, integration, "a new name")
    if route == "history":
        # History rows keep the state they recorded: the rename is not a change of theirs.
        assert etag_of(client, url, headers) == before
    else:
        assert etag_of(client, url, headers) != before


@pytest.mark.parametrize("route", ALL_ROUTES)
def test_paging_sorting_and_filters_give_their_own_etags(
    route, client, headers, integration, new_integration, new_config
):
    new_config(name="alpha", group="g1")
    new_config(name="beta", group="g2")
    if route == "integrations":
        new_integration(name="zulu")
    url = ALL_ROUTES[route](integration)
    join = "&" if "?" in url else "?"
    queries = [
        "",
        "pageSize=1",
        "pageSize=1&pageNumber=1",
        "pageSort=name,ASC",
        "name=zulu" if route == "integrations" else "name=alpha",
        "pageNumber=7",
        "pageNumber=8",
    ]
    etags = [etag_of(client, f"{url}{join}{query}", headers) for query in queries]
    assert len(set(etags)) == len(etags)
    # The same answer by another route (the default order is newest first) is the same bytes.
    assert etag_of(client, f"{url}{join}pageSort=updatedAt,DESC", headers) == etags[0]
    again = fetch(client, f"{url}{join}pageSize=1", headers, etags[0])
    assert again.status_code == 200
    assert_not_modified(fetch(client, f"{url}{join}pageSize=1", headers, etags[1]), etags[1])


@pytest.mark.parametrize("route", CONFIG_ROUTES)
def test_masked_and_revealed_answers_never_share_an_etag(
    route, client, headers, sensitive_headers, integration, new_config
):
    new_config(value="s3cr3t", sensitive=True)
    url = CONFIG_ROUTES[route](integration)
    masked = fetch(client, url, headers)
    revealed = fetch(client, url, sensitive_headers)
    assert "s3cr3t" not in masked.get_data(as_text=True)
    assert "s3cr3t" in revealed.get_data(as_text=True)
    assert masked.headers["ETag"] != revealed.headers["ETag"]
    assert fetch(client, url, sensitive_headers, masked.headers["ETag"]).status_code == 200
    assert fetch(client, url, headers, revealed.headers["ETag"]).status_code == 200
    again = fetch(client, url, sensitive_headers, revealed.headers["ETag"])
    assert_not_modified(again, revealed.headers["ETag"])
    assert again.headers["Cache-Control"] == "no-store"
    assert_not_modified(fetch(client, url, headers, masked.headers["ETag"]), masked.headers["ETag"])


@pytest.mark.parametrize("route", CONFIG_ROUTES)
def test_a_secret_that_reads_like_the_mask_still_has_its_own_etag(
    route, client, headers, sensitive_headers, integration, new_config
):
    plain = new_config(value="********")
    update_config(client, headers, integration, plain, sensitive=True)
    url = CONFIG_ROUTES[route](integration)
    masked, revealed = fetch(client, url, headers), fetch(client, url, sensitive_headers)
    assert masked.get_data() == revealed.get_data()
    assert masked.headers["ETag"] != revealed.headers["ETag"]


def test_if_none_match_forms(client, headers, integration, new_config):
    config = new_config()
    url = configs_url(integration)
    etag = etag_of(client, url, headers)
    for matching in ("*", f'"other", {etag}', f"W/{etag}"):
        assert_not_modified(fetch(client, url, headers, matching), etag)
    assert client.head(url, headers=headers).headers["ETag"] == etag
    assert_not_modified(client.head(url, headers=headers | {"If-None-Match": etag}), etag)
    item_etag = client.get(f"{url}/{config['id']}", headers=headers).headers["ETag"]
    for other in ('"other"', item_etag, f'"{etag[1:9]}"'):
        response = fetch(client, url, headers, other)
        assert response.status_code == 200
        assert response.headers["ETag"] == etag


def test_errors_carry_no_etag_and_vary_on_authorization(client, headers, integration):
    unknown = "/tenantintegrations/00000000-0000-4000-8000-000000000000/configs"
    for response in (
        client.get(unknown, headers=headers | {"If-None-Match": "*"}),
        client.get(f"{configs_url(integration)}?pageSize=0", headers=headers),
        client.get(configs_url(integration), headers={"If-None-Match": "*"}),
    ):
        assert response.status_code in (400, 401, 404)
        assert "ETag" not in response.headers
        assert "Authorization" in response.vary


def test_another_callers_tag_is_not_a_match(client, make_token, headers, integration, new_config):
    new_config()
    url = configs_url(integration)
    etag = etag_of(client, url, headers)
    stranger = {"Authorization": f"Bearer {make_token(tenants=['someone-else'])}"}
    assert fetch(client, url, stranger, etag).status_code == 404


def test_item_answers_keep_their_version_etags_and_vary(client, headers, integration, new_config):
    config = new_config()
    response = client.get(f"{configs_url(integration)}/{config['id']}", headers=headers)
    assert "Authorization" in response.vary
    not_modified = client.get(
        f"{configs_url(integration)}/{config['id']}",
        headers=headers | {"If-None-Match": response.headers["ETag"]},
    )
    assert not_modified.status_code == 304
    assert "Authorization" in not_modified.vary


def test_the_openapi_documents_304_and_the_etag_of_lists(client):
    paths = client.get("/openapi.json").get_json()["paths"]
    for path in (
        "/tenantintegrations",
        "/tenantintegrations/{integration_id}/configs",
        "/tenantintegrations/{integration_id}/configs/versions",
        "/connectors/{connector}/partnertenants/{partner_tenant}/configs",
    ):
        responses = paths[path]["get"]["responses"]
        assert "304" in responses, path
        assert "ETag" in responses["200"]["headers"], path
