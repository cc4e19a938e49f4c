"""Change waits: a connector's If-None-Match with `wait` answers at the first change, else 304."""

from __future__ import annotations

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import Engine, event

from tenant_config.platform.database import db
from tests.support.servers import Client, config_url
from tests.support.urls import configs_url as url
from tests.support.urls import lookup_url


@pytest.fixture
def waiting(client, headers, integration, new_config):
    """A config, the lookup's ETag, and a helper that waits on it in a thread."""
    config = new_config(name="p", value="v0")
    etag = client.get(lookup_url(integration), headers=headers).headers["ETag"]

    def start(wait: int, tag: str = etag):
        def run():
            started = time.monotonic()
            answer = client.get(
                lookup_url(integration),
                query_string={"wait": wait},
                headers=headers | {"If-None-Match": tag},
            )
            return answer, time.monotonic() - started

        pool = ThreadPoolExecutor(1)
        return pool.submit(run)

    return config, etag, start


def change(client, headers, integration, config, value: str) -> None:
    body = {"group": config["group"], "name": config["name"], "value": value}
    current = client.get(url(integration, config), headers=headers).get_json()["version"]
    answer = client.put(url(integration, config), json=body | {"version": current}, headers=headers)
    assert answer.status_code == 200, answer.get_json()


def test_no_change_answers_304_when_the_wait_runs_out(waiting):
    _config, etag, start = waiting
    answer, elapsed = start(1).result(timeout=30)
    assert (answer.status_code, answer.headers["ETag"]) == (304, etag)
    assert elapsed >= 1


def test_a_change_answers_at_once_with_the_new_etag(client, headers, integration, waiting):
    config, etag, start = waiting
    waiter = start(30)
    time.sleep(0.5)  # the waiter is waiting now
    change(client, headers, integration, config, "v1")
    changed_at = time.monotonic()
    answer, _elapsed = waiter.result(timeout=30)
    assert answer.status_code == 200
    assert answer.headers["ETag"] != etag
    assert [c["value"] for c in answer.get_json()["content"]] == ["v1"]
    assert time.monotonic() - changed_at < 5  # a few polls at most, not the 30 s


def test_a_change_of_another_partner_tenant_does_not_answer(
    client, headers, new_integration, waiting
):
    _config, etag, start = waiting
    other = new_integration(name="other")
    waiter = start(2)
    time.sleep(0.5)
    created = client.post(url(other), json={"group": "g", "name": "x"}, headers=headers)
    assert created.status_code == 201
    answer, elapsed = waiter.result(timeout=30)
    assert (answer.status_code, answer.headers["ETag"]) == (304, etag)
    assert elapsed >= 2


@pytest.mark.parametrize("wait", ["0", "61", "-1", "soon"])
def test_the_wait_is_bounded(client, headers, integration, wait):
    answer = client.get(lookup_url(integration), query_string={"wait": wait}, headers=headers)
    assert answer.status_code == 400
    assert "wait" in answer.get_json()["errors"]


def test_waiters_hold_no_connection_and_cost_the_database_nothing_more(
    app, client, headers, integration, waiting
):
    """Twenty callers waiting 2 s: no pooled connection held, a few polls in all (SQLite)."""
    _config, _etag, start = waiting
    statements: list[tuple[str, str]] = []
    with app.app_context():
        engine = db.engine

    def record(_conn, _cursor, statement, *_args) -> None:
        statements.append((threading.current_thread().name, statement))

    waiters = [start(2) for _ in range(20)]
    time.sleep(0.7)  # every waiter has read its answer and sleeps
    event.listen(Engine, "before_cursor_execute", record)  # every engine, the watchers' too
    try:
        time.sleep(1)
        held = engine.pool.checkedout()
    finally:
        event.remove(Engine, "before_cursor_execute", record)
    assert [w.result(timeout=30)[0].status_code for w in waiters] == [304] * 20
    assert held == 0
    # Nothing from the waiting requests; from each process-wide watcher (SQLite polls, 4 a
    # second; PostgreSQL LISTENs and sends nothing) a handful at most.
    assert [s for thread, s in statements if not thread.startswith("change-feed-")] == []
    per_watcher = Counter(t for t, s in statements if s.startswith("SELECT max(rowid)"))
    assert all(count <= 6 for count in per_watcher.values()), per_watcher


@pytest.mark.slow
def test_a_write_on_any_worker_wakes_waiters_on_every_worker(serve, make_token):
    """gunicorn with 2 workers on PostgreSQL: LISTEN/NOTIFY reaches the other process."""
    server = serve(WORKERS=2, RATELIMIT_ENABLED="false")
    api = Client(server, make_token)
    integration = api.integration()
    config = api.config(integration)
    lookup = f"/connectors/BIGCOMMERCE_OSERIES/partnertenants/{api.partner}/configs"
    etag = api.call("GET", lookup).headers["ETag"]
    barrier = threading.Barrier(6)

    def wait_for_change():
        barrier.wait()
        return api.call("GET", lookup, params={"wait": 30}, headers={"If-None-Match": etag})

    with ThreadPoolExecutor(6) as pool:
        waiters = [pool.submit(wait_for_change) for _ in range(6)]
        time.sleep(1.5)  # spread over both workers, all waiting
        body = {"group": "g", "name": config["name"], "value": "changed", "version": 0}
        written = api.call("PUT", config_url(config), json=body)
        assert written.status_code == 200, written.text
        changed_at = time.monotonic()
        answers = [w.result(timeout=40) for w in waiters]
    assert [a.status_code for a in answers] == [200] * 6
    assert all(a.json()["content"][0]["value"] == "changed" for a in answers)
    assert time.monotonic() - changed_at < 5
    assert isinstance(answers[0], requests.Response)


def test_another_tenants_change_never_ends_a_strangers_wait(
    client, headers, make_token, integration, new_config
):
    """A stranger sees an empty lookup, and waiting on it tells nothing of the owner's writes."""
    config = new_config(name="p", value="v0")
    stranger = {"Authorization": f"Bearer {make_token(tenants=['someone-else'])}"}
    empty = client.get(lookup_url(integration), headers=stranger)
    assert empty.get_json()["content"] == []

    def wait():
        started = time.monotonic()
        answer = client.get(
            lookup_url(integration),
            query_string={"wait": 2},
            headers=stranger | {"If-None-Match": empty.headers["ETag"]},
        )
        return answer, time.monotonic() - started

    with ThreadPoolExecutor(1) as pool:
        waiter = pool.submit(wait)
        time.sleep(0.5)
        change(client, headers, integration, config, "v1")
        answer, elapsed = waiter.result(timeout=30)
    assert (answer.status_code, elapsed >= 2) == (304, True)
