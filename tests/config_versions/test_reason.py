"""Every write may say why it was made: the reason lands in its history row, and nowhere else."""

from __future__ import annotations

import json

import pytest

from tests.support.bodies import config_body, integration_body
from tests.support.problems import assert_problem, bearer

REASON = "Ticket OPS-1234: turn logging on for the audit ✓"


def configs_url(integration: dict) -> str:
    return f"/tenantintegrations/{integration['id']}/configs"


def history(client, headers, integration: dict) -> list[dict]:
    """Every history row of the integration's configs, in version order."""
    url = f"{configs_url(integration)}/versions?pageSort=version&pageSize=100"
    answer = client.get(url, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()["content"]


def as_header(text: str) -> str:
    """`text` as its UTF-8 bytes reach a WSGI app (each byte one Latin-1 character)."""
    return text.encode("utf-8").decode("latin-1")


def test_create_update_and_delete_keep_their_reasons(client, headers, integration):
    created = client.post(
        configs_url(integration), json=config_body(value="1", reason=REASON), headers=headers
    )
    assert created.status_code == 201, created.get_json()
    assert "reason" not in created.get_json()  # a config has no reason; its versions have
    config = created.get_json()
    url = f"{configs_url(integration)}/{config['id']}"
    body = config_body(name=config["name"], value="2", version=0, reason="second")
    assert client.put(url, json=body, headers=headers).status_code == 200
    third = config_body(name=config["name"], value="3", version=1)
    assert client.put(url, json=third, headers=headers).status_code == 200
    deleted = client.delete(url, headers=headers | {"Change-Reason": as_header("gone ✓")})
    assert deleted.status_code == 204
    rows = history(client, headers, integration)
    assert [(r["operation"], r["reason"]) for r in rows] == [
        ("CREATE", REASON),
        ("UPDATE", "second"),
        ("UPDATE", None),
        ("DELETE", "gone ✓"),
    ]
    assert {r["restoredFrom"] for r in rows} == {None}


def test_delete_takes_the_reason_from_its_body_too(client, headers, integration, new_config):
    config = new_config()
    url = f"{configs_url(integration)}/{config['id']}"
    answer = client.delete(url, json={"version": 0, "reason": "in the body"}, headers=headers)
    assert answer.status_code == 204
    assert history(client, headers, integration)[-1]["reason"] == "in the body"


def test_a_reason_of_the_maximum_length_is_kept_whole(client, headers, integration):
    reason = "é" * 1024  # characters, not bytes
    answer = client.post(configs_url(integration), json=config_body(reason=reason), headers=headers)
    assert answer.status_code == 201, answer.get_json()
    assert history(client, headers, integration)[0]["reason"] == reason


@pytest.mark.parametrize(
    "reason",
    ['"' + "x" * 1025 + '"', '"nul\\u0000"', '"lone \\ud800"', "42", '["a"]', "{}"],
    ids=["too-long", "nul", "lone-surrogate", "number", "list", "object"],
)
def test_a_bad_body_reason_is_422_and_nothing_is_stored(
    client, headers, integration, new_config, reason
):
    config = new_config()
    url = f"{configs_url(integration)}/{config['id']}"
    before = history(client, headers, integration)
    create = json.dumps(config_body())[:-1] + f', "reason": {reason}}}'
    update = json.dumps(config_body(name=config["name"], value="new", version=0))[:-1]
    update += f', "reason": {reason}}}'
    delete = f'{{"version": 0, "reason": {reason}}}'
    for method, target, data in (
        ("POST", configs_url(integration), create),
        ("PUT", url, update),
        ("DELETE", url, delete),
    ):
        answer = client.open(
            target, method=method, data=data, content_type="application/json", headers=headers
        )
        problem = assert_problem(answer, 422)
        assert "reason" in problem["errors"], problem
    assert history(client, headers, integration) == before
    assert client.get(url, headers=headers).get_json()["value"] == config["value"]


@pytest.mark.parametrize(
    "header",
    ["x" * 1025, "tab\tis\x01not", "escape\x1b[2J", "\xff\xfe not utf-8", "\xed\xa0\x80"],
    ids=["too-long", "control", "escape", "invalid-utf8", "encoded-surrogate"],
)
def test_a_bad_change_reason_header_is_400_and_nothing_is_deleted(
    client, headers, integration, new_config, header
):
    config = new_config()
    url = f"{configs_url(integration)}/{config['id']}"
    answer = client.delete(url, headers=headers | {"Change-Reason": header})
    problem = assert_problem(answer, 400)
    assert "Change-Reason" in problem["errors"]
    assert client.get(url, headers=headers).status_code == 200
    assert [r["operation"] for r in history(client, headers, integration)] == ["CREATE"]


def test_a_reason_sent_twice_is_400(client, headers, integration, new_config):
    config = new_config()
    url = f"{configs_url(integration)}/{config['id']}"
    answer = client.delete(
        url, json={"reason": "body"}, headers=headers | {"Change-Reason": "header"}
    )
    assert_problem(answer, 400)
    assert client.get(url, headers=headers).status_code == 200


def test_an_integration_cascade_records_its_reason_on_every_delete_row(
    client, headers, integration, new_config
):
    new_config(name="a")
    new_config(name="b", value="secret", sensitive=True)
    answer = client.delete(
        f"/tenantintegrations/{integration['id']}?cascade=true",
        headers=headers | {"Change-Reason": "decommissioned"},
    )
    assert answer.status_code == 204
    rows = history(client, headers, integration)
    assert sorted((r["name"], r["operation"], r["reason"]) for r in rows) == [
        ("a", "CREATE", None),
        ("a", "DELETE", "decommissioned"),
        ("b", "CREATE", None),
        ("b", "DELETE", "decommissioned"),
    ]


def test_an_integration_delete_takes_the_reason_from_its_body(
    client, headers, integration, new_config
):
    new_config(name="a")
    answer = client.delete(
        f"/tenantintegrations/{integration['id']}?cascade=true",
        json={"reason": "moved to another partner"},
        headers=headers,
    )
    assert answer.status_code == 204
    rows = history(client, headers, integration)
    assert [(r["operation"], r["reason"]) for r in rows] == [
        ("CREATE", None),
        ("DELETE", "moved to another partner"),
    ]


def test_another_tenants_delete_with_a_reason_is_404_and_records_nothing(
    client, headers, make_token, integration, new_config
):
    config = new_config()
    url = f"{configs_url(integration)}/{config['id']}"
    stranger = bearer(make_token(tenants=["someone-else"]))
    answer = client.delete(url, headers=stranger | {"Change-Reason": "hostile"})
    assert_problem(answer, 404)
    rows = history(client, headers, integration)
    assert [(r["operation"], r["reason"]) for r in rows] == [("CREATE", None)]


def test_reasons_read_the_same_with_and_without_read_sensitive(
    client, headers, sensitive_headers, tenant
):
    body = integration_body(tenant)
    integration = client.post("/tenantintegrations", json=body, headers=headers).get_json()
    client.post(
        configs_url(integration),
        json=config_body(value="s", sensitive=True, reason="rotated"),
        headers=headers,
    )
    masked = history(client, headers, integration)[0]
    revealed = history(client, sensitive_headers, integration)[0]
    assert (masked["value"], masked["reason"]) == ("********", "rotated")
    assert (revealed["value"], revealed["reason"]) == ("s", "rotated")
