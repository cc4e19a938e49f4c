"""gunicorn serving wsgi:app on a private PostgreSQL: outages, pool exhaustion, SIGTERM, metrics."""

from __future__ import annotations

import os
import signal
import socket
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade
from prometheus_client.multiprocess import MultiProcessCollector

from tenant_config import create_app
from tenant_config.database import db
from tests.conftest import make_settings
from tests.servers import Gunicorn, PrivatePostgres, server_env

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not PrivatePostgres.available(), reason="needs root and PostgreSQL 15"),
]
TIMEOUT = (2, 30)


@pytest.fixture(scope="module")
def pg(jwks_file, tmp_path_factory):
    server = PrivatePostgres()
    try:
        server.init()
        app = create_app(make_settings(tmp_path_factory.mktemp("pg"), server.url, jwks_file))
        with app.app_context():
            upgrade()
            db.engine.dispose()
        yield server
    finally:
        server.cleanup()


@pytest.fixture
def serve(pg, jwks_file, tmp_path):
    """Start gunicorn on the private database with TENANT_CONFIG_* `settings`."""
    servers: list[Gunicorn] = []

    def start(env: dict[str, str] | None = None, **settings) -> Gunicorn:
        env = server_env(pg.url, jwks_file, tmp_path, **settings) | (env or {})
        server = Gunicorn(env, tmp_path)
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.stop()


class Client:
    """HTTP calls to one server with one tenant's token."""

    def __init__(self, server: Gunicorn, make_token):
        self.server = server
        self.tenant = str(uuid.uuid4())
        self.partner = str(uuid.uuid4())
        self.headers = {"Authorization": f"Bearer {make_token(tenants=[self.tenant])}"}

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = self.headers | kwargs.pop("headers", {})
        return requests.request(
            method, self.server.url(path), headers=headers, timeout=TIMEOUT, **kwargs
        )

    def integration(self) -> dict:
        body = {
            "name": "ops",
            "client": str(uuid.uuid4()),
            "tenant": self.tenant,
            "partnerTenant": self.partner,
            "connector": "BIGCOMMERCE_OSERIES",
        }
        response = self.call("POST", "/tenantintegrations", json=body)
        assert response.status_code == 201, response.text
        return response.json()

    def config(self, integration: dict, name: str = "p1", value: str = "v0") -> dict:
        url = f"/tenantintegrations/{integration['id']}/configs"
        response = self.call("POST", url, json={"group": "g", "name": name, "value": value})
        assert response.status_code == 201, response.text
        return response.json()


def config_url(config: dict) -> str:
    return f"/tenantintegrations/{config['integration']}/configs/{config['id']}"


def assert_unavailable(response: requests.Response) -> None:
    assert response.status_code == 503, response.text
    assert response.headers["Content-Type"] == "application/problem+json"
    assert response.headers["Retry-After"]
    assert response.json()["status"] == 503


def timed(call, *args, **kwargs) -> tuple[requests.Response, float]:
    started = time.monotonic()
    response = call(*args, **kwargs)
    return response, time.monotonic() - started


def test_database_outage_answers_503_fast_and_recovers_without_restart(serve, pg, make_token):
    server = serve(WORKERS=2, THREADS=4)
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
    locker = pg.connect()
    try:
        locker.execute("LOCK TABLE tenant_configs IN ACCESS EXCLUSIVE MODE")
        with ThreadPoolExecutor(2) as pool:
            in_flight = [
                pool.submit(timed, api.call, "GET", url),
                pool.submit(timed, api.call, "PUT", url, json=put),
            ]
            pg.wait_for_lock_waiters(2)
            pg.stop()  # "fast": the server ends every session, the blocked ones included
            for future in in_flight:
                response, timings["in flight when stopped"] = future.result(timeout=30)
                assert_unavailable(response)
    finally:
        locker.close()
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
        pg.start()
    started, ready = time.monotonic(), None
    while time.monotonic() - started < 30 and ready != 200:
        ready = requests.get(server.url("/health/ready"), timeout=TIMEOUT).status_code
        time.sleep(0.1) if ready != 200 else None
    timings["ready again after start"] = time.monotonic() - started
    assert ready == 200
    for _ in range(8):  # every pooled connection of both workers died with the server
        response = api.call("GET", url)
        assert response.status_code == 200, response.text
        assert response.json()["version"] == 0  # the PUT cut off in flight left nothing behind
        assert response.json()["value"] == "v0"
    changed = api.call("PUT", url, json={"group": "g", "name": "p1", "value": "v1", "version": 0})
    assert changed.status_code == 200, changed.text
    assert "Traceback" not in server.logs()
    print("\nOUTAGE TIMINGS (s):", {k: round(v, 3) for k, v in timings.items()})
    assert max(v for k, v in timings.items() if not k.startswith("ready again")) < 5


def test_pool_exhaustion_answers_503_after_the_pool_timeout(serve, pg, make_token):
    server = serve(WORKERS=1, THREADS=4, DB_POOL_SIZE=1, DB_MAX_OVERFLOW=0, DB_POOL_TIMEOUT=1)
    api = Client(server, make_token)
    integration = api.integration()
    config = api.config(integration)
    locker = pg.connect()
    try:
        locker.execute("LOCK TABLE tenant_configs IN ACCESS EXCLUSIVE MODE")
        with ThreadPoolExecutor(1) as pool:
            holder = pool.submit(api.call, "GET", config_url(config))
            pg.wait_for_lock_waiters(1)
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


def test_sigterm_finishes_in_flight_requests(serve, pg, make_token):
    server = serve(WORKERS=1, THREADS=4, GRACEFUL_TIMEOUT=15, DB_STATEMENT_TIMEOUT_MS=20000)
    api = Client(server, make_token)
    config = api.config(api.integration())
    url = config_url(config)
    lookup = f"/connectors/BIGCOMMERCE_OSERIES/partnertenants/{api.partner}/configs"
    put = {"group": "g", "name": "p1", "value": "v1", "version": 0}
    locker = pg.connect()
    try:
        locker.execute("LOCK TABLE tenant_configs IN ACCESS EXCLUSIVE MODE")
        with ThreadPoolExecutor(3) as pool:
            read = pool.submit(api.call, "GET", url)
            write = pool.submit(api.call, "PUT", url, json=put)
            listed = pool.submit(api.call, "GET", lookup)
            pg.wait_for_lock_waiters(3)
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


def scraped(server: Gunicorn, series: str) -> float:
    for line in requests.get(server.url("/metrics"), timeout=TIMEOUT).text.splitlines():
        if line.startswith(series + " "):
            return float(line.split()[-1])
    return 0.0


def test_metrics_add_up_across_workers(serve, tmp_path):
    directory = tmp_path / "prometheus"
    directory.mkdir()
    server = serve(env={"PROMETHEUS_MULTIPROC_DIR": str(directory)}, WORKERS=2, THREADS=2)
    series = 'tenant_config_http_requests_total{method="GET",route="/health/live",status="200"}'
    before, sent = scraped(server, series), 0
    for _ in range(5):
        with ThreadPoolExecutor(8) as pool:
            calls = [
                pool.submit(requests.get, server.url("/health/live"), timeout=TIMEOUT)
                for _ in range(40)
            ]
            assert all(c.result().status_code == 200 for c in calls)
        sent += 40
        if len(worker_counts(directory, "/health/live")) >= 2:
            break
    counts = worker_counts(directory, "/health/live")
    assert len(counts) >= 2, f"one worker served everything: {counts}"
    total = scraped(server, series)
    assert total == sum(counts.values()) == before + sent
    assert scraped(server, "tenant_config_db_pool_connections_in_use") == 0

    dead = int(min(counts).removeprefix("counter_"))
    assert (directory / f"gauge_livesum_{dead}.db").exists()
    os.kill(dead, signal.SIGKILL)  # a worker of the server this test started
    deadline = time.monotonic() + 10
    while (directory / f"gauge_livesum_{dead}.db").exists() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not (directory / f"gauge_livesum_{dead}.db").exists()  # child_exit marked it dead
    assert scraped(server, series) >= total  # its requests still count
