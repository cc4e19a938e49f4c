"""dryRun and force: which stored configs a definition change would leave unsatisfied.

Every config here is written through the API before the definition that refuses it exists.
"""

from __future__ import annotations

import json
import uuid

from tests.support.bodies import integration_body
from tests.support.catalog import define
from tests.support.problems import assert_problem

INVALIDATES = "urn:tenant-config:problem:invalidates-configs"
PLAINTEXT = "sk_SECRET-PLAIN-9f3a7c"
FIELDS = {"integration", "integrationName", "tenant", "config", "group", "name", "problems"}


def url(code: str, name: str) -> str:
    return f"/connectors/{code}/parameters/{name}"


def integration(client, admin, tenant: str, connector: str) -> dict:
    body = integration_body(tenant, connector=connector)
    response = client.post("/tenantintegrations", json=body, headers=admin)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def config(client, admin, where: dict, name: str, value: str | None, **fields) -> dict:
    body = {"group": "settings", "name": name, "value": value} | fields
    response = client.post(f"/tenantintegrations/{where['id']}/configs", json=body, headers=admin)
    assert response.status_code == 201, response.get_json()
    return response.get_json()


def listed(answer: dict) -> dict[str, list[str]]:
    """The configs an answer lists as invalid: config id -> problems; no other fields."""
    for item in answer["invalidConfigs"]:
        assert set(item) == FIELDS
    return {item["config"]: item["problems"] for item in answer["invalidConfigs"]}


def test_a_dry_run_create_lists_refused_configs_across_integrations_and_changes_nothing(
    client, admin, connector, tenant, history
):
    other_tenant = str(uuid.uuid4())
    one, two = (integration(client, admin, tenant, connector) for _ in range(2))
    three = integration(client, admin, other_tenant, connector)
    elsewhere = integration(client, admin, tenant, "BIGCOMMERCE_OSERIES")
    fine = config(client, admin, one, "timeout", "10")
    words = config(client, admin, two, "timeout", "ten")
    big = config(client, admin, three, "timeout", "99")
    config(client, admin, elsewhere, "timeout", "ten")
    definition = {"group": "settings", "name": "timeout", "type": "integer", "maximum": 50}
    create = f"/connectors/{connector}/parameters"

    dry = client.post(f"{create}?dryRun=true", json=definition, headers=admin)
    assert dry.status_code == 200, dry.get_json()
    answer = dry.get_json()
    assert (answer["dryRun"], answer["version"], answer["maximum"]) == (True, 0, 50)
    assert "ETag" not in dry.headers
    assert "Location" not in dry.headers
    assert listed(answer) == {
        words["id"]: ["Must be a whole number."],
        big["id"]: ["Must be at most 50."],
    }
    by_config = {item["config"]: item for item in answer["invalidConfigs"]}
    assert by_config[big["id"]]["tenant"] == other_tenant
    assert by_config[big["id"]]["integration"] == three["id"]
    assert by_config[words["id"]]["integrationName"] == two["name"]
    assert fine["id"] not in by_config
    assert client.get(url(connector, "timeout"), headers=admin).status_code == 404
    assert history(connector, "timeout") == []

    refused = client.post(create, json=definition, headers=admin)
    problem = assert_problem(refused, 409)
    assert problem["type"] == INVALIDATES
    assert listed(problem) == listed(answer)
    assert client.get(url(connector, "timeout"), headers=admin).status_code == 404

    forced = client.post(f"{create}?force=true", json=definition, headers=admin)
    assert forced.status_code == 201, forced.get_json()
    assert listed(forced.get_json()) == listed(answer)
    assert forced.get_json()["dryRun"] is False
    assert [row["operation"] for row in history(connector, "timeout")] == ["CREATE"]


def test_a_changed_pattern_checks_the_decrypted_secret_and_never_shows_it(
    client, make_token, admin, connector, tenant, history
):
    where = integration(client, admin, tenant, connector)
    secret = config(client, admin, where, "apiKey", PLAINTEXT, sensitive=True)
    define(client, make_token, connector, {"name": "apiKey", "type": "secret", "pattern": "^sk_"})
    changed = {"group": "settings", "name": "apiKey", "type": "secret", "pattern": "^pk_"}
    answers = [
        client.put(
            f"{url(connector, 'apiKey')}?dryRun=true", json=changed | {"version": 0}, headers=admin
        ),
        client.put(url(connector, "apiKey"), json=changed | {"version": 0}, headers=admin),
    ]
    assert [answer.status_code for answer in answers] == [200, 409]
    for answer in answers:
        assert listed(answer.get_json()) == {secret["id"]: ["Must match the pattern ^pk_."]}
        assert PLAINTEXT not in answer.get_data(as_text=True)
        assert PLAINTEXT[3:] not in json.dumps(dict(answer.headers))
    dry = answers[0].get_json()
    assert (dry["version"], dry["pattern"]) == (1, "^pk_")
    stored = client.get(url(connector, "apiKey"), headers=admin).get_json()
    assert (stored["version"], stored["pattern"]) == (0, "^sk_")
    assert [row["version"] for row in history(connector, "apiKey")] == [0]

    forced = client.put(
        f"{url(connector, 'apiKey')}?force=true", json=changed | {"version": 0}, headers=admin
    )
    assert forced.status_code == 200
    assert listed(forced.get_json()) == {secret["id"]: ["Must match the pattern ^pk_."]}
    assert PLAINTEXT not in forced.get_data(as_text=True)
    assert [row["version"] for row in history(connector, "apiKey")] == [0, 1]


def test_a_plain_config_under_a_new_secret_definition_must_be_sensitive(
    client, admin, connector, tenant
):
    where = integration(client, admin, tenant, connector)
    plain = config(client, admin, where, "password", "hunter2-plain")
    definition = {"group": "settings", "name": "password", "type": "secret"}
    dry = client.post(
        f"/connectors/{connector}/parameters?dryRun=true", json=definition, headers=admin
    )
    assert listed(dry.get_json()) == {
        plain["id"]: ["Stored in plain text: a secret must be sensitive."]
    }
    assert "hunter2-plain" not in dry.get_data(as_text=True)
    refused = client.post(f"/connectors/{connector}/parameters", json=definition, headers=admin)
    assert assert_problem(refused, 409)["type"] == INVALIDATES
    assert "hunter2-plain" not in refused.get_data(as_text=True)


def test_a_required_definition_refuses_a_null_value(client, make_token, admin, connector, tenant):
    where = integration(client, admin, tenant, connector)
    empty = config(client, admin, where, "region", None)
    define(client, make_token, connector, {"name": "region", "type": "string"})
    required = {"group": "settings", "name": "region", "type": "string", "required": True}
    refused = client.put(url(connector, "region"), json=required | {"version": 0}, headers=admin)
    assert listed(assert_problem(refused, 409)) == {empty["id"]: ["A value is required."]}
    assert client.get(url(connector, "region"), headers=admin).get_json()["required"] is False


def test_a_change_that_breaks_nothing_new_needs_no_force(
    client, make_token, admin, connector, tenant, history
):
    where = integration(client, admin, tenant, connector)
    bad = config(client, admin, where, "mode", "loud")
    definition = {"group": "settings", "name": "mode", "type": "enum"}
    definition["allowedValues"] = ["quiet", "verbose"]
    forced = client.post(
        f"/connectors/{connector}/parameters?force=true", json=definition, headers=admin
    )
    assert forced.status_code == 201
    relabelled = definition | {"label": "Mode", "version": 0}
    answer = client.put(url(connector, "mode"), json=relabelled, headers=admin)
    assert answer.status_code == 200, answer.get_json()
    assert listed(answer.get_json()) == {bad["id"]: ["Must be one of: quiet, verbose."]}
    narrower = definition | {"allowedValues": ["quiet"], "version": 1}
    fine = config(client, admin, where, "other", "x")  # another name: never checked
    assert client.put(url(connector, "mode"), json=narrower, headers=admin).status_code == 200
    assert fine["id"] not in listed(
        client.put(
            url(connector, "mode"), json=narrower | {"version": 2, "label": "M"}, headers=admin
        ).get_json()
    )
    assert [row["version"] for row in history(connector, "mode")] == [0, 1, 2, 3]


def test_a_narrowing_that_breaks_a_valid_config_needs_force(
    client, make_token, admin, connector, tenant
):
    where = integration(client, admin, tenant, connector)
    valid = config(client, admin, where, "mode", "verbose")
    definition = {"name": "mode", "type": "enum", "allowedValues": ["quiet", "verbose"]}
    define(client, make_token, connector, definition)
    narrower = {"group": "settings", **definition, "allowedValues": ["quiet"], "version": 0}
    refused = client.put(url(connector, "mode"), json=narrower, headers=admin)
    assert listed(assert_problem(refused, 409)) == {valid["id"]: ["Must be one of: quiet."]}
