"""Real servers for tests: gunicorn serving wsgi:app, a private PostgreSQL, a client of them."""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from pathlib import Path

import psycopg
import requests

from tests.support.bodies import integration_body
from tests.support.paths import REPO
from tests.support.settings import session_fernet_key
from tests.support.tokens import AUDIENCE, ISSUER

GUNICORN = Path(sys.executable).parent / "gunicorn"


def _postgres_bindir() -> Path | None:
    """Where initdb and pg_ctl are, as pg_config reports it (None without pg_config)."""
    pg_config = shutil.which("pg_config")
    if pg_config is None:
        return None
    found = subprocess.run([pg_config, "--bindir"], capture_output=True, text=True, check=False)
    return Path(found.stdout.strip()) if found.returncode == 0 else None


PG_BIN = _postgres_bindir()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(database_url: str, jwks_file: Path, instance: Path, **settings) -> dict[str, str]:
    """The environment of a production-mode server; `settings` become TENANT_CONFIG_<NAME>."""
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "TENANT_CONFIG_ENV": "production",
        "TENANT_CONFIG_DATABASE_URL": database_url,
        "TENANT_CONFIG_JWKS_FILE": str(jwks_file),
        "TENANT_CONFIG_JWT_ISSUER": ISSUER,
        "TENANT_CONFIG_JWT_AUDIENCE": AUDIENCE,
        "TENANT_CONFIG_INSTANCE_PATH": str(instance),
        "TENANT_CONFIG_FERNET_KEYS": session_fernet_key(),
    }
    return env | {f"TENANT_CONFIG_{k.upper()}": str(v) for k, v in settings.items()}


class Gunicorn:
    """`gunicorn -c gunicorn.conf.py wsgi:app` on a free port, stopped (or killed) on exit."""

    def __init__(self, env: dict[str, str], log_dir: Path):
        self.port = free_port()
        self.env = env | {"TENANT_CONFIG_BIND": f"127.0.0.1:{self.port}"}
        self.log_path = log_dir / f"gunicorn-{self.port}.log"
        self.process: subprocess.Popen | None = None

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def start(self, timeout: float = 30) -> Gunicorn:
        with self.log_path.open("wb") as log:
            self.process = subprocess.Popen(
                [str(GUNICORN), "-c", "gunicorn.conf.py", "wsgi:app"],
                cwd=REPO,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"gunicorn exited {self.process.returncode}:\n{self.logs()}")
            try:
                if requests.get(self.url("/health/live"), timeout=2).status_code == 200:
                    return self
            except requests.RequestException:  # refused, or accepted before a worker is up
                pass
            time.sleep(0.1)
        raise RuntimeError(f"gunicorn did not answer within {timeout} s:\n{self.logs()}")

    def logs(self) -> str:
        return self.log_path.read_text(errors="replace") if self.log_path.exists() else ""

    def stop(self, timeout: float = 20, *, quick: bool = False) -> None:
        """Stop gracefully (SIGTERM), or `quick` (SIGQUIT: no wait for idle keep-alive clients)."""
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGQUIT if quick else signal.SIGTERM)
        try:
            self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)  # its own session: master and workers
            self.process.wait(5)

    def __enter__(self) -> Gunicorn:
        return self.start()

    def __exit__(self, *_exc) -> None:
        self.stop(quick=True)  # the test is over: nothing in flight is worth waiting for


class PrivatePostgres:
    """A throw-away PostgreSQL cluster run by the postgres user on a free port."""

    def __init__(self):
        self.root = Path("/tmp") / f"tc-ops-pg-{uuid.uuid4().hex[:12]}"  # postgres must reach it
        self.data = self.root / "data"
        self.port = free_port()
        self.url = f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"
        self.dsn = f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    @staticmethod
    def missing() -> str | None:
        """Why a private PostgreSQL cannot be started here, or None when it can."""
        if PG_BIN is None or not (PG_BIN / "initdb").exists():
            return "no PostgreSQL server binaries (pg_config --bindir has no initdb)"
        if os.geteuid() != 0 or not shutil.which("runuser"):
            return "a private PostgreSQL needs root and runuser (initdb runs as postgres)"
        return None

    def _as_postgres(self, *args: str, timeout: float = 60) -> None:
        subprocess.run(
            ["runuser", "-u", "postgres", "--", *args],
            check=True,
            timeout=timeout,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )

    def init(self) -> PrivatePostgres:
        subprocess.run(
            ["install", "-d", "-o", "postgres", "-g", "postgres", "-m", "700", str(self.root)],
            check=True,
            timeout=10,
        )
        self._as_postgres(
            str(PG_BIN / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust",
            "--no-sync", "--no-instructions",
        )  # fmt: skip
        return self.start()

    def start(self) -> PrivatePostgres:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-l", str(self.root / "server.log"),
            "-o", options, "-w", "-t", "30", "start",
        )  # fmt: skip
        return self

    def ensure_running(self) -> None:
        """Start the server again when a test stopped it and ended before starting it."""
        if not (self.data / "postmaster.pid").exists():
            self.start()

    def stop(self, mode: str = "fast") -> None:
        self._as_postgres(
            str(PG_BIN / "pg_ctl"), "-D", str(self.data), "-m", mode, "-w", "-t", "30", "stop"
        )

    def cleanup(self) -> None:
        if (self.data / "postmaster.pid").exists():
            with contextlib.suppress(subprocess.SubprocessError):
                self.stop("immediate")
        shutil.rmtree(self.root, ignore_errors=True)

    def connect(self) -> psycopg.Connection:
        return psycopg.connect(self.dsn, connect_timeout=5)

    def terminate_clients(self) -> int:
        """End every client session but this one (as an administrator or a crash would)."""
        with self.connect() as admin:
            admin.autocommit = True
            return admin.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity"
                " WHERE pid <> pg_backend_pid() AND backend_type = 'client backend'"
            ).fetchone()[0]

    def wait_for_lock_waiters(self, count: int, timeout: float = 10) -> None:
        """Wait until `count` sessions wait on a lock (requests blocked in flight)."""
        deadline = time.monotonic() + timeout
        with self.connect() as connection:
            connection.autocommit = True
            while time.monotonic() < deadline:
                row = connection.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                ).fetchone()
                if row[0] >= count:
                    return
                time.sleep(0.05)
        raise TimeoutError(f"fewer than {count} sessions waited on a lock within {timeout} s")


TIMEOUT = (2, 30)


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
        body = integration_body(self.tenant, name="ops", partnerTenant=self.partner)
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
