"""Unknown query parameters are a 400 problem naming them, on every API operation, so that
a typo never widens an answer; the documented ones and `access_token`'s answers stay."""

from __future__ import annotations

from collections.abc import Iterator

from flask import Flask

from tests.support.routes import body_for, filled_segments, is_api, sql_statements


def api_operations(app: Flask) -> Iterator[tuple[str, str, str]]:
    """(method, rule, endpoint) of every API operation (HEAD and OPTIONS aside)."""
    for rule in app.url_map.iter_rules():
        if is_api(app, rule.endpoint):
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                yield method, rule, rule.endpoint


def test_an_unknown_query_parameter_is_a_400_naming_it_on_every_api_operation(
    app, client, headers, world
):
    operations = list(api_operations(app))
    assert len(operations) == 33
    for method, rule, endpoint in operations:
        path = "/".join(filled_segments(rule, world["values"]))
        body = body_for(endpoint, method, world)
        with sql_statements(app) as statements:
            response = client.open(
                path, method=method, query_string="nme=x&pageSize=5", json=body, headers=headers
            )
        problem = response.get_json()
        assert response.status_code == 400, (method, path, problem)
        assert problem["type"] == "urn:tenant-config:problem:invalid-query"
        assert "nme" in problem["errors"], problem
        assert "nme" in problem["detail"]
        assert not statements
    item = client.get(f"/tenantintegrations/{world['integration']['id']}", headers=headers)
    assert item.get_json()["version"] == world["integration"]["version"]


def test_documented_query_parameters_stay_accepted(client, headers, integration):
    ti = integration["id"]
    lookup = f"/connectors/{integration['connector']}/partnertenants/{integration['partnerTenant']}"
    paging = "pageSize=5&pageNumber=0&pageSort=name,ASC&pageSort=updatedAt"
    for url in (
        f"/tenantintegrations?{paging}&name=x&connector=x&tenant={ti}&client={ti}&partnerTenant=x",
        f"/tenantintegrations/{ti}/configs?{paging}&group=g&name=x",
        f"/tenantintegrations/{ti}/configs/versions?{paging}&group=g&name=x",
        f"{lookup}/configs?{paging}&group=g&name=x",
    ):
        assert client.get(url, headers=headers).status_code == 200, url
    assert client.delete(f"/tenantintegrations/{ti}?cascade=true", headers=headers).status_code == (
        204
    )


def test_a_token_in_the_query_keeps_its_own_answer(client, headers, integration, token):
    url = f"/tenantintegrations/{integration['id']}?access_token={token}&nme=x"
    alone = client.get(url)
    assert alone.status_code == 401
    assert alone.headers["WWW-Authenticate"] == 'Bearer realm="tenant-config"'
    both = client.get(url, headers=headers)
    assert both.status_code == 400
    assert 'error="invalid_request"' in both.headers["WWW-Authenticate"]
