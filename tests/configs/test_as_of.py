"""Point in time: `asOf` answers the configs as they stood at an instant, from the history."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from tests.support.urls import configs_url as url
from tests.support.urls import lookup_url

BEFORE_ANYTHING = "2000-01-01T00:00:00Z"


def instant(text: str, *, shift_us: int = 0) -> str:
    """An answer's timestamp as an asOf value, moved by some microseconds."""
    moment = datetime.fromisoformat(text.replace("Z", "+00:00")) + timedelta(microseconds=shift_us)
    return moment.isoformat()


@pytest.fixture
def story(client, headers, integration, new_config):
    """a created, a changed, b created, a deleted: the instants just after each step."""
    a = new_config(name="a", value="a0")
    changed = client.put(
        url(integration, a),
        json={"group": "g", "name": "a", "value": "a1", "version": 0},
        headers=headers,
    ).get_json()
    b = new_config(name="b", value="b0")
    assert client.delete(url(integration, a), headers=headers).status_code == 204
    history = client.get(
        f"{url(integration)}/versions", query_string={"pageSort": "updatedAt,ASC"}, headers=headers
    )
    deleted_at = history.get_json()["content"][-1]["updatedAt"]
    return {
        "a": a["id"],
        "b": b["id"],
        "created": a["updatedAt"],
        "changed": changed["updatedAt"],
        "b created": b["updatedAt"],
        "deleted": deleted_at,
    }


def at(client, headers, path: str, as_of: str, **query) -> dict:
    answer = client.get(path, query_string={"asOf": as_of, **query}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def test_each_instant_answers_the_configs_that_stood_then(client, headers, integration, story):
    def seen(as_of: str) -> list[tuple]:
        body = at(client, headers, url(integration), as_of, pageSort="name,ASC")
        return [(c["id"], c["name"], c["version"], c["value"]) for c in body["content"]]

    a, b = story["a"], story["b"]
    assert seen(BEFORE_ANYTHING) == []
    assert seen(instant(story["created"], shift_us=-1)) == []
    assert seen(story["created"]) == [(a, "a", 0, "a0")]  # the instant itself counts
    assert seen(instant(story["changed"], shift_us=-1)) == [(a, "a", 0, "a0")]
    assert seen(story["changed"]) == [(a, "a", 1, "a1")]
    assert seen(story["b created"]) == [(a, "a", 1, "a1"), (b, "b", 0, "b0")]
    assert seen(story["deleted"]) == [(b, "b", 0, "b0")]


def test_the_answer_echoes_the_instant_and_pages_and_filters(client, headers, integration, story):
    as_of = story["b created"]
    body = at(client, headers, url(integration), as_of, pageSize=1, pageSort="name,DESC")
    assert body["asOf"] == as_of
    assert [c["name"] for c in body["content"]] == ["b"]
    assert body["page"] == {"number": 0, "size": 1, "totalElements": 2, "totalPages": 2}
    assert [
        c["name"] for c in at(client, headers, url(integration), as_of, name="a")["content"]
    ] == ["a"]
    assert "asOf" not in client.get(url(integration), headers=headers).get_json()


def test_the_lookup_takes_asof_too(client, headers, integration, story):
    lookup = lookup_url(integration)
    assert [c["name"] for c in at(client, headers, lookup, story["changed"])["content"]] == ["a"]
    assert [c["name"] for c in at(client, headers, lookup, story["deleted"])["content"]] == ["b"]


def test_a_deleted_integration_is_read_as_it_stood(client, headers, integration, story):
    assert (
        client.delete(
            f"/tenantintegrations/{integration['id']}?cascade=true", headers=headers
        ).status_code
        == 204
    )
    body = at(client, headers, url(integration), story["b created"], pageSort="name,ASC")
    assert [c["name"] for c in body["content"]] == ["a", "b"]
    assert client.get(url(integration), headers=headers).status_code == 404  # now: gone


@pytest.mark.parametrize(
    ("as_of", "why"),
    [
        ("2999-01-01T00:00:00Z", "future"),
        ("2026-01-01T00:00:00", "no offset"),
        ("yesterday", "not an instant"),
    ],
)
def test_an_odd_instant_is_a_400_naming_asof(client, headers, integration, as_of, why):
    answer = client.get(url(integration), query_string={"asOf": as_of}, headers=headers)
    assert answer.status_code == 400, why
    assert answer.mimetype == "application/problem+json"
    assert "asOf" in answer.get_json()["errors"]


def test_secrets_as_they_stood_are_masked_unless_revealed(
    client, headers, sensitive_headers, integration, new_config
):
    secret = new_config(name="s", value="hunter2", sensitive=True)
    masked = client.get(
        url(integration), query_string={"asOf": secret["updatedAt"]}, headers=headers
    )
    revealed = client.get(
        url(integration), query_string={"asOf": secret["updatedAt"]}, headers=sensitive_headers
    )
    assert [c["value"] for c in masked.get_json()["content"]] == ["********"]
    assert masked.headers["Cache-Control"] == "private"
    assert [c["value"] for c in revealed.get_json()["content"]] == ["hunter2"]
    assert revealed.headers["Cache-Control"] == "no-store"


def test_another_tenants_past_is_hidden_like_a_random_id(client, make_token, integration, story):
    stranger = {"Authorization": f"Bearer {make_token(tenants=['someone-else'])}"}
    hidden = client.get(url(integration), query_string={"asOf": story["changed"]}, headers=stranger)
    missing = client.get(
        f"/tenantintegrations/{integration['id'][:-4]}ffff/configs",
        query_string={"asOf": story["changed"]},
        headers=stranger,
    )
    assert hidden.status_code == missing.status_code == 404
    lookup = lookup_url(integration)
    assert at(client, stranger, lookup, story["changed"])["content"] == []


def test_the_history_list_does_not_take_asof(client, headers, integration):
    answer = client.get(
        f"{url(integration)}/versions", query_string={"asOf": BEFORE_ANYTHING}, headers=headers
    )
    assert answer.status_code == 400
