"""GET /tenantintegrations/{ti}/configs/export: a batch of creates another integration takes."""

from __future__ import annotations

import uuid

from tests.support.problems import assert_problem, bearer
from tests.support.tokens import ALL_SCOPES
from tests.support.urls import configs_url as url

OWN_FIELDS = ("group", "name", "label", "description", "value", "sensitive")


def export(client, headers, integration):
    return client.get(f"{url(integration)}/export", headers=headers)


def configs(client, headers, integration) -> list[dict]:
    answer = client.get(f"{url(integration)}?pageSize=100&pageSort=name", headers=headers)
    return answer.get_json()["content"]


def test_an_export_holds_every_config_as_a_create(client, headers, integration, new_config):
    for n in range(25):  # more than one page of a list
        new_config(name=f"p{n:02}", group="b" if n % 2 else "a", value=str(n))
    answer = export(client, headers, integration)
    assert answer.status_code == 200, answer.get_json()
    document = answer.get_json()
    assert document["exportedFrom"] == integration["id"]
    assert document["exportedAt"].endswith("Z")
    assert {op["op"] for op in document["operations"]} == {"create"}
    bodies = [op["body"] for op in document["operations"]]
    assert [(b["group"], b["name"]) for b in bodies] == sorted(
        (b["group"], b["name"]) for b in bodies
    )
    assert sorted(b["name"] for b in bodies) == [f"p{n:02}" for n in range(25)]
    assert all(set(b) == set(OWN_FIELDS) for b in bodies)


def test_an_export_imports_into_another_integration_as_it_was(
    client, headers, sensitive_headers, integration, new_integration, new_config
):
    new_config(name="plain", value="1", label="L", description="D")
    new_config(name="secret", value="the-secret", sensitive=True)
    new_config(name="empty", value=None)
    document = export(client, sensitive_headers, integration)
    assert document.headers["Cache-Control"] == "no-store"
    production = new_integration()
    imported = client.post(f"{url(production)}/batch", json=document.get_json(), headers=headers)
    assert imported.status_code == 200, imported.get_json()
    assert {r["outcome"] for r in imported.get_json()["results"]} == {"created"}

    def own(rows):
        return [{k: row[k] for k in OWN_FIELDS} for row in rows]

    assert own(configs(client, sensitive_headers, production)) == own(
        configs(client, sensitive_headers, integration)
    )
    for row in configs(client, headers, production):
        assert row["integration"] == production["id"]


def test_a_secret_is_left_out_for_a_caller_who_cannot_read_it(
    client, headers, integration, new_config
):
    new_config(name="plain", value="1")
    new_config(name="secret", value="the-secret", sensitive=True)
    answer = export(client, headers, integration)
    assert answer.headers["Cache-Control"] == "private"
    assert b"the-secret" not in answer.data
    assert b"********" not in answer.data
    bodies = {op["body"]["name"]: op["body"] for op in answer.get_json()["operations"]}
    assert bodies["secret"]["valueOmitted"] is True
    assert "value" not in bodies["secret"]
    assert bodies["plain"]["value"] == "1"
    assert "valueOmitted" not in bodies["plain"]


def test_a_document_with_a_secret_left_out_cannot_be_imported(
    client, headers, integration, new_integration, new_config
):
    new_config(name="plain", value="1")
    new_config(name="secret", value="the-secret", sensitive=True)
    document = export(client, headers, integration).get_json()
    index = next(i for i, op in enumerate(document["operations"]) if op["body"]["name"] == "secret")
    production = new_integration()
    refused = client.post(f"{url(production)}/batch", json=document, headers=headers)
    problem = assert_problem(refused, 422)
    assert list(problem["errors"]["operations"]) == [str(index)]
    assert configs(client, headers, production) == []
    # Dropping the marker does not help: a sensitive create needs its value.
    del document["operations"][index]["body"]["valueOmitted"]
    problem = assert_problem(
        client.post(f"{url(production)}/batch", json=document, headers=headers), 422
    )
    assert list(problem["errors"]["operations"]) == [str(index)]
    # Nor does the mask.
    document["operations"][index]["body"]["value"] = "********"
    problem = assert_problem(
        client.post(f"{url(production)}/batch", json=document, headers=headers), 422
    )
    assert list(problem["errors"]["operations"]) == [str(index)]
    document["operations"][index]["body"]["value"] = "typed-in"
    assert (
        client.post(f"{url(production)}/batch", json=document, headers=headers).status_code == 200
    )


def test_an_empty_integration_exports_no_operation(client, headers, integration):
    assert export(client, headers, integration).get_json()["operations"] == []


def test_another_tenants_integration_is_404_like_a_random_id(
    client, headers, make_token, integration, new_config
):
    new_config(name="plain")
    stranger = bearer(make_token(scopes=ALL_SCOPES, tenants=[str(uuid.uuid4())]))
    theirs = assert_problem(export(client, stranger, integration), 404)
    random = assert_problem(export(client, headers, {"id": str(uuid.uuid4())}), 404)
    assert (theirs["type"], theirs["detail"]) == (random["type"], random["detail"])


def test_export_needs_the_read_scope_and_takes_no_parameter(
    client, make_token, tenant, integration
):
    writer = bearer(
        make_token(scopes=("ConnTenantConfigApi:TenantConfig:Write",), tenants=[tenant])
    )
    assert_problem(export(client, writer, integration), 403)
    reader = bearer(make_token(scopes=("ConnTenantConfigApi:TenantConfig:Read",), tenants=[tenant]))
    assert export(client, reader, integration).status_code == 200
    unknown = client.get(f"{url(integration)}/export?pageSize=5", headers=reader)
    assert "pageSize" in assert_problem(unknown, 400)["errors"]
