"""The answer cache across gunicorn workers and instances on one PostgreSQL database."""

from __future__ import annotations

import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tenant_config.platform.changes import LISTENER_NAME
from tests.support.servers import Client, config_url

pytestmark = [pytest.mark.slow]
ROUNDS = 60
LISTENERS = "SELECT pid FROM pg_stat_activity WHERE application_name = %s"


def lookup_values(api: Client) -> list[str]:
    answer = api.call(
        "GET", f"/connectors/BIGCOMMERCE_OSERIES/partnertenants/{api.partner}/configs"
    )
    assert answer.status_code == 200, answer.text
    return [config["value"] for config in answer.json()["content"]]


def on(server, api: Client) -> Client:
    """The same caller, tenant and partner tenant, calling `server`."""
    other = Client(server, lambda **_: "")
    other.tenant, other.partner, other.headers = api.tenant, api.partner, api.headers
    return other


def test_a_write_answered_anywhere_is_read_next_on_every_worker_and_instance(serve, make_token):
    """Two instances of two workers each: after every write, each of them reads it next."""
    first = Client(serve(WORKERS=2, RATELIMIT_ENABLED="false"), make_token)
    second = on(serve(WORKERS=2, RATELIMIT_ENABLED="false"), first)
    config = first.config(first.integration(), value="v0")
    stale = []
    for number in range(1, ROUNDS + 1):
        writer, reader = (first, second) if number % 2 else (second, first)
        # Both read first, on whichever worker answers: each worker keeps an answer to spoil.
        lookup_values(reader), lookup_values(writer)
        body = {"group": "g", "name": config["name"], "value": f"v{number}", "version": number - 1}
        written = writer.call("PUT", config_url(config), json=body)
        assert written.status_code == 200, written.text
        for api in (reader, writer, reader, writer):  # new connections: any worker answers
            if lookup_values(api) != [f"v{number}"]:
                stale.append(number)
    assert stale == []


def test_a_change_made_while_the_listener_reconnects_is_read_and_ends_waits(
    serve, private_pg, make_token
):
    """A NOTIFY nobody heard: the lookup reads the write at once; the wait ends on reconnect."""
    api = Client(serve(WORKERS=1, RATELIMIT_ENABLED="false"), make_token)
    config = api.config(api.integration(), value="v0")
    lookup = f"/connectors/BIGCOMMERCE_OSERIES/partnertenants/{api.partner}/configs"
    etag = api.call("GET", lookup).headers["ETag"]
    with ThreadPoolExecutor(1) as pool:
        waiter = pool.submit(
            api.call, "GET", lookup, params={"wait": 20}, headers={"If-None-Match": etag}
        )
        admin = private_pg.connect()
        admin.autocommit = True  # else pg_stat_activity is read once per transaction
        try:
            deadline = time.monotonic() + 10
            while not (listeners := admin.execute(LISTENERS, (LISTENER_NAME,)).fetchall()):
                assert time.monotonic() < deadline, "no worker listens"
                time.sleep(0.05)
            for (pid,) in listeners:
                admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        finally:
            admin.close()
        body = {"group": "g", "name": config["name"], "value": "v1", "version": 0}
        written = api.call("PUT", config_url(config), json=body)
        assert written.status_code == 200, written.text
        changed_at = time.monotonic()
        assert lookup_values(api) == ["v1"]
        answer = waiter.result(timeout=30)
    assert answer.status_code == 200, answer.text
    assert [c["value"] for c in answer.json()["content"]] == ["v1"]
    assert time.monotonic() - changed_at < 5
    assert "change feed: listening failed" in api.server.logs()


def test_lookups_go_on_when_the_counters_connections_are_killed(serve, private_pg, make_token):
    """Killed sessions cost no error: that lookup answers without the cache, the next reconnect."""
    api = Client(serve(WORKERS=1, RATELIMIT_ENABLED="false"), make_token)
    api.config(api.integration(), value="v0")
    assert [lookup_values(api) for _ in range(4)] == [["v0"]] * 4
    ended = private_pg.terminate_clients()
    assert ended >= 2  # the pool's and the counters' connections
    assert [lookup_values(api) for _ in range(4)] == [["v0"]] * 4
    assert "change counters unread" in api.server.logs()
