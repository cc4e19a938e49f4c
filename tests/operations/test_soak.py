"""A gunicorn worker killed during a write soak loses nothing (checklist 29)."""

from __future__ import annotations

import os
import signal
import subprocess
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import requests
from flask_migrate import upgrade

from tenant_config.app import create_app
from tenant_config.platform.database import db
from tenant_config.platform.settings import Settings
from tests.support.servers import Client, Gunicorn, config_url, server_env

pytestmark = pytest.mark.slow

WRITERS = 6
ATTEMPTS_PER_WRITER = 400
SOAK_CAP = 15.0  # seconds of writing at most, whatever happens to the kills
KILLS = 2
WRITES_BETWEEN_KILLS = 20


@dataclass
class Outcomes:
    """What the writers learnt: 200 answers (value -> version and time), and unknown outcomes."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    written: dict[str, tuple[int, float]] = field(default_factory=dict)
    unknown: set[str] = field(default_factory=set)
    unexpected: list[str] = field(default_factory=list)
    conflicts: int = 0

    def wait_for_more(self, count: int) -> None:
        target = len(self.written) + count
        wait_for(lambda: len(self.written) >= target, SOAK_CAP, f"fewer than {count} new writes")


def workers(server: Gunicorn) -> set[int]:
    """The master's live children (a killed worker stays listed only until it is reaped)."""
    found = subprocess.run(
        ["pgrep", "-P", str(server.process.pid)], capture_output=True, text=True, timeout=5
    )
    return {int(pid) for pid in found.stdout.split()}


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, ProcessLookupError):
        return False
    return state not in ("Z", "X")


def wait_for(condition, timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise TimeoutError(what)
        time.sleep(0.02)


def writer(api: Client, url: str, number: int, outcomes: Outcomes, stop: threading.Event):
    """Read-modify-write loop: GET for the ETag, PUT with If-Match and a value of its own."""
    for attempt in range(ATTEMPTS_PER_WRITER):
        if stop.wait(0):
            return
        try:
            read = api.call("GET", url)
        except requests.RequestException:
            continue  # a read that failed changed nothing
        if read.status_code != 200:
            if read.status_code < 500:
                outcomes.unexpected.append(f"GET {read.status_code} {read.text}")
            continue
        value = f"w{number}-{attempt}"
        body = {"group": "g", "name": "p1", "value": value}
        try:
            put = api.call("PUT", url, json=body, headers={"If-Match": read.headers["ETag"]})
        except requests.RequestException:
            put = None
        with outcomes.lock:
            if put is None or put.status_code >= 500:
                outcomes.unknown.add(value)  # may or may not have committed
            elif put.status_code == 200:
                outcomes.written[value] = (put.json()["version"], time.monotonic())
            elif put.status_code == 412:
                outcomes.conflicts += 1
            else:
                outcomes.unexpected.append(f"PUT {put.status_code} {put.text}")


def history(api: Client, config: dict) -> list[dict]:
    """Every version row of the config, oldest first, read page by page through the API."""
    rows, number, pages = [], 0, 1
    while number < pages:
        page = api.call(
            "GET",
            f"/tenantintegrations/{config['integration']}/configs/versions",
            params={"name": "p1", "pageSort": "version", "pageSize": 100, "pageNumber": number},
        )
        assert page.status_code == 200, page.text
        rows += [row for row in page.json()["content"] if row["tenantConfig"] == config["id"]]
        pages, number = page.json()["page"]["totalPages"], number + 1
    return rows


def kill_a_worker(server: Gunicorn) -> tuple[int, float]:
    """SIGKILL one worker; wait until it is reaped and the master has forked its replacement."""
    before = workers(server)
    assert len(before) == 2, before
    victim = min(before)
    os.kill(victim, signal.SIGKILL)
    killed_at = time.monotonic()
    wait_for(lambda: not alive(victim), 10, f"worker {victim} survived SIGKILL")
    wait_for(
        lambda: len(workers(server) - before) == 1 and victim not in workers(server),
        15,
        "gunicorn did not replace the killed worker",
    )
    return victim, killed_at


@pytest.fixture(params=["postgresql", "sqlite"])
def soak_server(request, jwks_file, tmp_path):
    """gunicorn with 2 workers on the private PostgreSQL, or on a migrated SQLite file."""
    settings = {"WORKERS": 2, "RATELIMIT_ENABLED": "false"}
    if request.param == "postgresql":
        yield request.getfixturevalue("serve")(**settings)
        return
    env = server_env(f"sqlite:///{tmp_path / 'soak.db'}", jwks_file, tmp_path, **settings)
    app = create_app(Settings.from_env(env))
    with app.app_context():
        upgrade()
        db.engine.dispose()
    with Gunicorn(env, tmp_path) as server:
        yield server


def test_killed_worker_loses_no_acknowledged_write(soak_server, make_token):
    server = soak_server
    api = Client(server, make_token)
    config = api.config(api.integration(), value="v0")
    url = config_url(config)
    outcomes, stop, kills = Outcomes(), threading.Event(), []
    started = time.monotonic()
    stopper = threading.Timer(SOAK_CAP, stop.set)  # the writers' wall-clock cap
    stopper.start()
    with ThreadPoolExecutor(WRITERS) as pool:
        running = [pool.submit(writer, api, url, n, outcomes, stop) for n in range(WRITERS)]
        try:
            for _ in range(KILLS):
                outcomes.wait_for_more(WRITES_BETWEEN_KILLS)
                kills.append(kill_a_worker(server))
            outcomes.wait_for_more(WRITES_BETWEEN_KILLS)
        finally:
            stop.set()
            stopper.cancel()
        for future in running:
            future.result(timeout=SOAK_CAP)
    soak = time.monotonic() - started

    assert not outcomes.unexpected, outcomes.unexpected[:5]
    assert server.process.poll() is None
    assert len(kills) == KILLS
    assert not any(alive(pid) for pid, _ in kills)
    last_kill = kills[-1][1]
    assert any(at > last_kill for _, at in outcomes.written.values())

    final = api.call("GET", url)
    assert final.status_code == 200, final.text
    rows = history(api, config)
    versions = [row["version"] for row in rows]
    assert versions == list(range(len(rows)))  # no gap, no duplicate
    assert final.json()["version"] == len(rows) - 1
    assert final.json()["value"] == rows[-1]["value"]
    assert (rows[0]["operation"], rows[0]["value"]) == ("CREATE", "v0")
    assert {row["operation"] for row in rows[1:]} <= {"UPDATE"}
    values = Counter(row["value"] for row in rows[1:])
    assert max(values.values(), default=1) == 1
    assert set(values) <= set(outcomes.written) | outcomes.unknown
    for value, (version, _at) in outcomes.written.items():
        assert rows[version]["value"] == value, (value, version)
    print(
        f"\nSOAK: {soak:.1f} s, {len(outcomes.written)} x 200, {outcomes.conflicts} x 412,"
        f" {len(outcomes.unknown)} unknown ({len(rows) - 1 - len(outcomes.written)} committed),"
        f" workers killed: {[pid for pid, _ in kills]}"
    )
