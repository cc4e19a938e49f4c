"""Database outages under gunicorn: 503 problems within the timeouts, recovery without restart."""

from __future__ import annotations

import os
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tenant_config.app import create_app
from tenant_config.platform.database import db
from tenant_config.platform.settings import Settings
from tests.support.servers import (
    TIMEOUT,
    Client,
    assert_unavailable,
    config_url,
    server_env,
    timed,
)

pytestmark = [pytest.mark.slow]


def test_database_outage_answers_503_fast_and_recovers_without_restart(
    serve, private_pg, make_token
):
    server = serve(WORKERS=2)
    api = Client(server, make_token)
    integration = api.integration()
    config = api.config(integration)
    url = config_url(config)
    configs = url.rsplit("/", 1)[0]
    put = {"group": "g", "name": "p1", "value": "x", "version": 0}
    calls = {
        "list integrations": ("GET", "/tenantintegrations", {}),
        "get integration": ("GET", f"/tenantintegrations/{integration['id']}", {}),
        "get config": ("GET", url, {}),
        "put config": ("PUT", url, {"json": put}),
        "post config": ("POST", configs, {"json": {"group": "g", "name": "p2"}}),
        "delete config": ("DELETE", url, {"headers": {"If-Match": '"any"'}}),
        "lookup": (
            "GET",
            f"/connectors/BIGCOMMERCE_OSERIES/partnertenants/{api.partner}/configs",
            {},
        ),
        "versions": ("GET", f"{configs}/versions", {}),
    }
    timings: dict[str, float] = {}
    locker = private_pg.connect()
    try:
        locker.execute("LOCK TABLE tenant_configs IN ACCESS EXCLUSIVE MODE")
        with ThreadPoolExecutor(2) as pool:
            in_flight = [
                pool.submit(timed, api.call, "GET", url),
                pool.submit(timed, api.call, "PUT", url, json=put),
            ]
            private_pg.wait_for_lock_waiters(2)
            private_pg.stop()  # "fast": the server ends every session, the blocked ones included
            (read, timings["read in flight"]), (write, timings["write in flight"]) = [
                future.result(timeout=30) for future in in_flight
            ]
    finally:
        locker.close()
    # Ending the locker's session frees the table: a waiter may run its statement in the
    # instant before its own session ends, and answer as if nothing happened. Either answer
    # is right; a 500, a hang or a half-done write is not.
    if read.status_code == 200:
        assert read.json()["value"] == "v0"
    else:
        assert_unavailable(read)
    written = write.status_code == 200
    if not written:
        assert_unavailable(write)
    try:
        for name, (method, path, kwargs) in calls.items():
            response, timings[name] = timed(api.call, method, path, **kwargs)
            assert_unavailable(response)
        response, timings["ready"] = timed(
            requests.get, server.url("/health/ready"), timeout=TIMEOUT
        )
        assert_unavailable(response)
        assert response.json()["checks"]["database"] == "unavailable"
        response, timings["live"] = timed(requests.get, server.url("/health/live"), timeout=TIMEOUT)
        assert response.status_code == 200
        assert server.process.poll() is None
    finally:
        private_pg.start()
    started, ready = time.monotonic(), None
    while time.monotonic() - started < 30 and ready != 200:
        ready = requests.get(server.url("/health/ready"), timeout=TIMEOUT).status_code
        time.sleep(0.1) if ready != 200 else None
    timings["ready again after start"] = time.monotonic() - started
    assert ready == 200
    for _ in range(8):  # every pooled connection of both workers died with the server
        response = api.call("GET", url)
        assert response.status_code == 200, response.text
        # A PUT cut off in flight left nothing behind; one answered 200 is there whole.
        stored = response.json()["version"], response.json()["value"]
        assert stored == ((1, "x") if written else (0, "v0"))
    again = {"group": "g", "name": "p1", "value": "v1", "version": 1 if written else 0}
    changed = api.call("PUT", url, json=again)
    assert changed.status_code == 200, changed.text
    assert "Traceback" not in server.logs()
    assert server.logs().count("Booting worker") == 2  # no worker died or was replaced
    print("\nOUTAGE TIMINGS (s):", {k: round(v, 3) for k, v in timings.items()})
    assert max(v for k, v in timings.items() if not k.startswith("ready again")) < 5


def test_pool_exhaustion_answers_503_after_the_pool_timeout(serve, private_pg, make_token):
    server = serve(WORKERS=1, DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0, DB_POOL_TIMEOUT=1)
    api = Client(server, make_token)
    integration = api.integration()
    config = api.config(integration)
    locker = private_pg.connect()
    try:
        locker.execute("LOCK TABLE tenant_configs IN ACCESS EXCLUSIVE MODE")
        with ThreadPoolExecutor(1) as pool:
            holder = pool.submit(api.call, "GET", config_url(config))
            private_pg.wait_for_lock_waiters(1)
            metrics = requests.get(server.url("/metrics"), timeout=TIMEOUT).text
            assert "tenant_config_db_pool_connections_in_use 1.0" in metrics
            response, elapsed = timed(api.call, "GET", f"/tenantintegrations/{integration['id']}")
            assert_unavailable(response)
            print(f"\nPOOL EXHAUSTED: 503 after {elapsed:.3f} s (pool timeout 1 s)")
            assert 0.9 <= elapsed < 3
            locker.commit()
            assert holder.result(timeout=10).status_code == 200
    finally:
        locker.close()
    assert api.call("GET", f"/tenantintegrations/{integration['id']}").status_code == 200


def test_slow_statement_answers_503_after_the_statement_timeout(serve, private_pg, make_token):
    server = serve(WORKERS=1, DB_STATEMENT_TIMEOUT_MS=1000)
    api = Client(server, make_token)
    config = api.config(api.integration())
    locker = private_pg.connect()
    try:
        locker.execute("LOCK TABLE tenant_configs IN ACCESS EXCLUSIVE MODE")
        response, elapsed = timed(api.call, "GET", config_url(config))
        assert_unavailable(response)
    finally:
        locker.close()
    print(f"\nSTATEMENT TIMEOUT: 503 after {elapsed:.3f} s (statement timeout 1 s)")
    assert 0.9 <= elapsed < 3
    assert api.call("GET", config_url(config)).status_code == 200


def test_unresponsive_database_answers_503_after_the_connect_timeout(serve, private_pg, make_token):
    server = serve(WORKERS=1, DB_CONNECT_TIMEOUT=2)  # its pool is still empty
    api = Client(server, make_token)
    postmaster = int((private_pg.data / "postmaster.pid").read_text().split()[0])
    os.kill(postmaster, signal.SIGSTOP)  # accepts TCP connections, never answers them
    try:
        response, elapsed = timed(api.call, "GET", "/tenantintegrations")
        assert_unavailable(response)
        ready, ready_elapsed = timed(requests.get, server.url("/health/ready"), timeout=TIMEOUT)
        assert_unavailable(ready)
        assert requests.get(server.url("/health/live"), timeout=TIMEOUT).status_code == 200
    finally:
        os.kill(postmaster, signal.SIGCONT)
    print(
        f"\nUNRESPONSIVE DATABASE: 503 after {elapsed:.3f} s, ready 503 after {ready_elapsed:.3f} s"
    )
    assert 1.5 <= elapsed < 5
    assert api.call("GET", "/tenantintegrations").status_code == 200


def test_terminated_sessions_are_replaced_transparently(serve, private_pg, make_token):
    server = serve(WORKERS=1)
    api = Client(server, make_token)
    integration = api.integration()
    with ThreadPoolExecutor(4) as pool:  # fill the pool with a few connections
        calls = [pool.submit(api.call, "GET", "/tenantintegrations") for _ in range(8)]
        assert all(c.result().status_code == 200 for c in calls)
    ended = private_pg.terminate_clients()
    assert ended >= 1
    for _ in range(8):
        response = api.call("GET", f"/tenantintegrations/{integration['id']}")
        assert response.status_code == 200, response.text


def test_connections_detect_a_vanished_database_host(private_pg, jwks_file, tmp_path):
    app = create_app(Settings.from_env(server_env(private_pg.url, jwks_file, tmp_path)))
    with app.app_context():
        raw = db.engine.raw_connection()
        try:
            probe = socket.socket(fileno=os.dup(raw.driver_connection.pgconn.socket))
            with probe:
                assert probe.getsockopt(socket.SOL_SOCKET, socket.SO_KEEPALIVE) == 1
                assert probe.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPIDLE) == 10
                assert probe.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPINTVL) == 5
                assert probe.getsockopt(socket.IPPROTO_TCP, socket.TCP_KEEPCNT) == 3
                assert probe.getsockopt(socket.IPPROTO_TCP, socket.TCP_USER_TIMEOUT) == 15000
        finally:
            raw.close()
            db.engine.dispose()
