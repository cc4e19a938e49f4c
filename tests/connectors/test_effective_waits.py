"""Effective and map lookups keep their ETags and change waits; a definition change is a change."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.catalog import admin_headers, define, own_connector
from tests.support.urls import configs_url, lookup_url

FORMATS = [{"effective": "true"}, {"effective": "true", "format": "map"}, {"format": "map"}]


@pytest.fixture
def world(client, make_token, headers, new_integration):
    code = own_connector(client, make_token, {"name": "days", "type": "integer", "default": "30"})
    integration = new_integration(connector=code)
    body = {"group": "settings", "name": "stored", "value": "v"}
    assert client.post(configs_url(integration), json=body, headers=headers).status_code == 201
    return code, integration


def start_waiting(client, headers, integration, query: dict, tag: str, wait: int):
    def run():
        started = time.monotonic()
        answer = client.get(
            lookup_url(integration),
            query_string=query | {"wait": wait},
            headers=headers | {"If-None-Match": tag},
        )
        return answer, time.monotonic() - started

    return ThreadPoolExecutor(1).submit(run)


@pytest.mark.parametrize("query", FORMATS)
def test_an_unchanged_answer_is_304_with_its_etag(client, headers, world, query):
    _code, integration = world
    first = client.get(lookup_url(integration), query_string=query, headers=headers)
    tag = first.headers["ETag"]
    again = client.get(
        lookup_url(integration), query_string=query, headers=headers | {"If-None-Match": tag}
    )
    assert (again.status_code, again.headers["ETag"]) == (304, tag)
    assert again.headers["Vary"] == first.headers["Vary"]


def test_each_representation_has_its_own_etag(client, headers, sensitive_headers, world):
    _code, integration = world
    tags = set()
    for query in [{}, *FORMATS]:
        for who in (headers, sensitive_headers):
            answer = client.get(lookup_url(integration), query_string=query, headers=who)
            tags.add((answer.headers["ETag"], answer.headers.get("Cache-Control", "")))
    # No secret here: the masked and revealed answers are the same bytes and the same cache
    # rules, so they may share a tag; the four shapes may not.
    assert len({tag for tag, _cache in tags}) == 4


@pytest.mark.parametrize("query", FORMATS[:2])
def test_a_definition_change_changes_the_effective_answer(
    client, make_token, headers, world, query
):
    code, integration = world
    tag = client.get(lookup_url(integration), query_string=query, headers=headers).headers["ETag"]
    url = f"/connectors/{code}/parameters/days"
    body = {"group": "settings", "name": "days", "type": "integer", "default": "60", "version": 0}
    assert client.put(url, json=body, headers=admin_headers(make_token)).status_code == 200
    answer = client.get(
        lookup_url(integration), query_string=query, headers=headers | {"If-None-Match": tag}
    )
    assert answer.status_code == 200
    assert answer.headers["ETag"] != tag
    assert "60" in answer.get_data(as_text=True)


@pytest.mark.parametrize("query", FORMATS)
def test_a_config_change_answers_a_waiting_lookup_at_once(client, headers, world, query):
    _code, integration = world
    tag = client.get(lookup_url(integration), query_string=query, headers=headers).headers["ETag"]
    waiter = start_waiting(client, headers, integration, query, tag, wait=30)
    time.sleep(0.5)
    body = {"group": "settings", "name": "new", "value": "1"}
    assert client.post(configs_url(integration), json=body, headers=headers).status_code == 201
    changed_at = time.monotonic()
    answer, _elapsed = waiter.result(timeout=40)
    assert answer.status_code == 200
    assert answer.headers["ETag"] != tag
    assert time.monotonic() - changed_at < 5


@pytest.mark.parametrize("query", FORMATS[:2])
def test_a_definition_change_answers_a_waiting_effective_lookup(
    client, make_token, headers, world, query
):
    code, integration = world
    tag = client.get(lookup_url(integration), query_string=query, headers=headers).headers["ETag"]
    waiter = start_waiting(client, headers, integration, query, tag, wait=30)
    time.sleep(0.5)
    define(client, make_token, code, {"name": "region", "type": "string", "default": "eu"})
    changed_at = time.monotonic()
    answer, _elapsed = waiter.result(timeout=40)
    assert answer.status_code == 200
    assert "region" in answer.get_data(as_text=True)
    assert time.monotonic() - changed_at < 5  # woken by the change, not by the 30 s running out


def test_another_connectors_definition_change_does_not_answer(client, make_token, headers, world):
    _code, integration = world
    query = {"effective": "true"}
    tag = client.get(lookup_url(integration), query_string=query, headers=headers).headers["ETag"]
    waiter = start_waiting(client, headers, integration, query, tag, wait=2)
    time.sleep(0.5)
    own_connector(client, make_token, {"name": "region", "type": "string", "default": "eu"})
    answer, elapsed = waiter.result(timeout=30)
    assert (answer.status_code, answer.headers["ETag"]) == (304, tag)
    assert elapsed >= 2
