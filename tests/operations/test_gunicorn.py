"""gunicorn serving wsgi:app: graceful SIGTERM, and metrics summed across workers."""

from __future__ import annotations

import os
import re
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
import requests
from prometheus_client.multiprocess import MultiProcessCollector

from tests.support.servers import TIMEOUT, Client, Gunicorn, config_url

pytestmark = [pytest.mark.slow]


def test_sigterm_finishes_in_flight_requests(serve, private_pg, make_token):
    server = serve(WORKERS=1, GRACEFUL_TIMEOUT=15, DB_STATEMENT_TIMEOUT_MS=20000)
    api = Client(server, make_token)
    config = api.config(api.integration())
    url = config_url(config)
    lookup = f"/connectors/BIGCOMMERCE_OSERIES/partnertenants/{api.partner}/configs"
    put = {"group": "g", "name": "p1", "value": "v1", "version": 0}
    locker = private_pg.connect()
    try:
        locker.execute("LOCK TABLE tenant_configs IN ACCESS EXCLUSIVE MODE")
        with ThreadPoolExecutor(3) as pool:
            read = pool.submit(api.call, "GET", url)
            write = pool.submit(api.call, "PUT", url, json=put)
            listed = pool.submit(api.call, "GET", lookup)
            private_pg.wait_for_lock_waiters(3)
            signalled = time.monotonic()
            server.process.send_signal(signal.SIGTERM)
            refused = False
            while not refused and time.monotonic() - signalled < 5:
                try:
                    socket.create_connection(("127.0.0.1", server.port), timeout=1).close()
                    time.sleep(0.05)
                except ConnectionRefusedError:
                    refused = True
            assert refused, "new connections were still accepted after SIGTERM"
            time.sleep(1)
            assert server.process.poll() is None  # waiting for the requests in flight
            locker.commit()
            assert read.result(timeout=10).status_code == 200
            assert read.result().json()["id"] == config["id"]
            assert write.result(timeout=10).status_code == 200, write.result().text
            assert write.result().json()["version"] == 1
            assert listed.result(timeout=10).status_code == 200
            assert [c["id"] for c in listed.result().json()["content"]] == [config["id"]]
    finally:
        locker.close()
    assert server.process.wait(timeout=15) == 0
    elapsed = time.monotonic() - signalled
    print(f"\nSIGTERM: master exited {elapsed:.2f} s after the signal (graceful_timeout 15 s)")
    assert elapsed < 15


def worker_counts(directory: Path, route: str) -> dict[str, float]:
    """Requests to `route` counted by each worker's own sample file."""
    counts = {}
    for path in directory.glob("counter_*.db"):
        for metric in MultiProcessCollector.merge([str(path)], accumulate=True):
            for s in metric.samples:
                if s.name == "tenant_config_http_requests_total" and s.labels["route"] == route:
                    counts[path.stem] = counts.get(path.stem, 0) + s.value
    return counts


POOL_GAUGE = "tenant_config_db_pool_connections_in_use"


def scraped(server: Gunicorn, series: str, missing: float | None = None) -> float:
    """The value of one series in /metrics; a series that is absent fails unless `missing`."""
    text = requests.get(server.url("/metrics"), timeout=TIMEOUT).text
    for line in text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    assert missing is not None, f"{series} is not exported:\n{text}"
    return missing


def worker_pids(server: Gunicorn, count: int, timeout: float = 10) -> list[int]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        pids = [int(pid) for pid in re.findall(r"Booting worker with pid: (\d+)", server.logs())]
        if len(pids) >= count:
            return pids
        time.sleep(0.1)
    raise TimeoutError(f"fewer than {count} workers booted")


def get_many(server: Gunicorn, path: str, count: int) -> None:
    with ThreadPoolExecutor(8) as pool:
        calls = [pool.submit(requests.get, server.url(path), timeout=TIMEOUT) for _ in range(count)]
        assert all(c.result().status_code == 200 for c in calls)


def test_metrics_add_up_across_workers(serve, private_pg, make_token, tmp_path):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    server = serve(env={"PROMETHEUS_MULTIPROC_DIR": str(directory)}, WORKERS=2)
    first, second = worker_pids(server, 2)
    series = 'tenant_config_http_requests_total{method="GET",route="/health/live",status="200"}'
    before = scraped(server, series, missing=0.0)
    for busy, count in ((first, 30), (second, 20)):
        os.kill(busy, signal.SIGSTOP)  # the other worker of this test's server takes everything
        try:
            get_many(server, "/health/live", count)
        finally:
            os.kill(busy, signal.SIGCONT)
    counts = worker_counts(directory, "/health/live")
    assert counts[f"counter_{second}"] >= 30
    assert counts[f"counter_{first}"] >= 20
    total = scraped(server, series)
    assert total == sum(counts.values()) == before + 50
    assert scraped(server, POOL_GAUGE) == 0
    with psycopg.connect(private_pg.dsn, autocommit=True) as blocker:
        # While the table is locked, a list request waits holding a checked-out connection.
        blocker.execute("BEGIN")
        blocker.execute("LOCK TABLE tenant_integrations IN ACCESS EXCLUSIVE MODE")
        with ThreadPoolExecutor(1) as pool:
            waiting = pool.submit(Client(server, make_token).call, "GET", "/tenantintegrations")
            deadline = time.monotonic() + 5
            while scraped(server, POOL_GAUGE) < 1 and time.monotonic() < deadline:
                time.sleep(0.05)
            assert scraped(server, POOL_GAUGE) >= 1
            blocker.execute("COMMIT")
            assert waiting.result().status_code == 200
    assert scraped(server, POOL_GAUGE) == 0

    assert (directory / f"gauge_livesum_{first}.db").exists()
    os.kill(first, signal.SIGKILL)
    deadline = time.monotonic() + 10
    while (directory / f"gauge_livesum_{first}.db").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not (directory / f"gauge_livesum_{first}.db").exists()  # child_exit marked it dead
    assert scraped(server, series) >= total  # its requests still count
