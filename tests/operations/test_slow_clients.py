"""Issue 17 through gunicorn's default workers: slow clients and 1,000 waiting connectors on
one instance delay no other caller by more than 1 s; a change reaches its waiting connector."""

from __future__ import annotations

import asyncio
import resource
import select
import socket
import statistics
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask_migrate import upgrade

from tenant_config.app import create_app
from tenant_config.platform.database import db
from tenant_config.platform.settings import Settings
from tests.support.servers import Client, Gunicorn, config_url, server_env
from tests.support.settings import POSTGRES_URL

pytestmark = pytest.mark.slow
SLOW_CLIENTS = 16
SLOW_LINE_SECONDS = 3
WAITERS = 1000
WAIT_SECONDS = 15  # every waiter but the one whose partner tenant changes answers 304 then


@pytest.fixture(scope="module")
def server(app, database_url, jwks_file, tmp_path_factory):
    """gunicorn as gunicorn.conf.py sets it up (2 workers) on the backend under test."""
    folder = tmp_path_factory.mktemp("slow-clients")
    if database_url.startswith("sqlite"):
        # Not the session's file: another process closing it last would pull its WAL away.
        database_url = f"sqlite:///{folder / 'gunicorn.db'}"
        migrated = create_app(Settings.from_env(server_env(database_url, jwks_file, folder)))
        with migrated.app_context():
            upgrade()
            db.engine.dispose()
    # One token stands for 1,000 connectors here, so the per-caller rate limit is off.
    env = server_env(database_url, jwks_file, folder, WORKERS=2, RATELIMIT_ENABLED="false")
    with Gunicorn(env, folder) as running:
        yield running


@pytest.fixture
def api(server, make_token):
    """A tenant with one integration holding config `p1` (version 0), for its partner tenant."""
    api = Client(server, make_token)
    api.created = api.config(api.integration())
    return api


def lookup_path(partner_tenant: str) -> str:
    return f"/connectors/BIGCOMMERCE_OSERIES/partnertenants/{partner_tenant}/configs"


def timed_lookups(api: Client, seconds: float) -> list[float]:
    """Look the partner tenant up again and again, each on a new connection; the durations."""
    durations = []
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        started = time.monotonic()
        answer = api.call("GET", lookup_path(api.partner))
        durations.append(time.monotonic() - started)
        assert answer.status_code == 200, answer.text
        assert len(answer.json()["content"]) == 1
    return durations


def send_headers_slowly(server: Gunicorn, stop: threading.Event) -> tuple[int, int]:
    """Send a request head one line every 3 s until `stop`, reconnecting when cut off.

    Returns the header lines sent and how often the server closed the connection.
    """
    sent = closed = 0
    while not stop.is_set():
        with socket.create_connection(("127.0.0.1", server.port), timeout=5) as connection:
            try:
                connection.sendall(b"GET /health/live HTTP/1.1\r\nHost: x\r\n")
                while not stop.wait(SLOW_LINE_SECONDS):
                    if select.select([connection], [], [], 0)[0]:
                        assert connection.recv(1024) == b""  # never answered, only cut off
                        break
                    connection.sendall(f"X-Slow-{sent}: {'x' * 20}\r\n".encode())
                    sent += 1
            except OSError:
                pass  # reset while sending: cut off too
        closed += not stop.is_set()
    return sent, closed


def test_slow_header_senders_delay_no_other_caller(server, api, database_url):
    if database_url.startswith("sqlite") and POSTGRES_URL:
        pytest.skip("how the worker reads requests, whatever the database: once, on PostgreSQL")
    stop = threading.Event()
    with ThreadPoolExecutor(SLOW_CLIENTS) as pool:
        senders = [pool.submit(send_headers_slowly, server, stop) for _ in range(SLOW_CLIENTS)]
        try:
            time.sleep(1)  # all connected and sending
            durations = timed_lookups(api, 10)
        finally:
            stop.set()
        results = [sender.result(timeout=10) for sender in senders]
    lines = sum(sent for sent, _ in results)
    print(
        f"\nSLOW HEADERS: {SLOW_CLIENTS} clients, a line every {SLOW_LINE_SECONDS} s "
        f"({lines} lines, cut off {sum(closed for _, closed in results)} times); "
        f"{len(durations)} lookups, p50 {statistics.median(durations) * 1000:.1f} ms, "
        f"max {max(durations) * 1000:.1f} ms"
    )
    assert all(sent >= 2 for sent, _ in results)  # every one was sending all along
    assert max(durations) < 1


def raise_open_files_limit(wanted: int) -> None:
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        if hard != resource.RLIM_INFINITY and hard < wanted:
            pytest.skip(f"{WAITERS} connections need {wanted} open files; the hard limit is {hard}")
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))


async def exchange(reader, writer, head: str) -> tuple[int, dict[str, str], float]:
    """Send a GET and read its answer: status, headers, when it arrived."""
    writer.write(head.encode("latin-1"))
    status_line, *lines = (await reader.readuntil(b"\r\n\r\n")).decode("latin-1").split("\r\n")
    arrived = time.monotonic()
    headers = {k.lower(): v for k, _, v in (line.partition(": ") for line in lines if line)}
    await reader.readexactly(int(headers.get("content-length", 0)))
    return int(status_line.split()[1]), headers, arrived


async def wait_for_change(port: int, path: str, authorization: str, starting, waiting):
    """A connector: read its lookup's ETag, then wait for a change on the same connection."""
    async with starting:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        try:
            head = f"GET {path}{{}} HTTP/1.1\r\nHost: x\r\nAuthorization: {authorization}\r\n"
            status, headers, _ = await exchange(reader, writer, head.format("") + "\r\n")
            assert status == 200, status
            request = head.format(f"?wait={WAIT_SECONDS}")
            answer = asyncio.ensure_future(
                exchange(reader, writer, f"{request}If-None-Match: {headers['etag']}\r\n\r\n")
            )
            await asyncio.sleep(0)  # sent
        finally:
            waiting.release()
    try:
        status, _, arrived = await answer
        return status, arrived
    finally:
        writer.close()


def test_a_thousand_waiting_connectors_delay_no_other_caller(server, api, database_url):
    raise_open_files_limit(WAITERS + 200)
    others = [str(uuid.uuid4()) for _ in range(WAITERS - 1)]  # connectors nothing changes for
    authorization = api.headers["Authorization"]
    loop = asyncio.new_event_loop()
    threading.Thread(target=loop.run_forever, daemon=True).start()
    # Connectors that start together are let in 50 at a time: 1,000 first lookups at once
    # queue for the database pool, some past its 5 s timeout on a busy machine (a 503).
    starting, waiting = asyncio.Semaphore(50), threading.Semaphore(0)
    waiters = [
        asyncio.run_coroutine_threadsafe(
            wait_for_change(server.port, lookup_path(pt), authorization, starting, waiting), loop
        )
        for pt in [api.partner, *others]
    ]
    try:
        opened = time.monotonic()
        for _ in waiters:
            assert waiting.acquire(timeout=30), "a connector could not start waiting"
        time.sleep(1)  # the last wait requests are read
        assert not any(w.done() for w in waiters), [w.result() for w in waiters if w.done()]
        print(f"\n{WAITERS} WAITING CONNECTORS: all waiting {time.monotonic() - opened:.1f} s")
        durations = timed_lookups(api, 5)
        put = {"group": "g", "name": "p1", "value": "changed", "version": 0}
        written = api.call("PUT", config_url(api.created), json=put)
        changed_at = time.monotonic()
        assert written.status_code == 200, written.text
        status, arrived = waiters[0].result(timeout=WAIT_SECONDS)
        answers = [w.result(timeout=WAIT_SECONDS + 10)[0] for w in waiters[1:]]
    finally:
        loop.call_soon_threadsafe(loop.stop)
    latency = arrived - changed_at
    print(
        f"lookups meanwhile: {len(durations)}, p50 {statistics.median(durations) * 1000:.1f} ms, "
        f"max {max(durations) * 1000:.1f} ms; the change reached its connector "
        f"{latency * 1000:.1f} ms after the PUT's answer"
    )
    assert max(durations) < 1
    assert status == 200
    assert answers == [304] * (WAITERS - 1)
    # PostgreSQL's NOTIFY wakes the waiter at once; SQLite is polled every 0.25 s.
    assert latency < (0.1 if database_url.startswith("postgresql") else 1)
