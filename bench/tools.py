"""Processes, free ports, the external tools (wrk, etcd 3.4) and the machine's description."""

from __future__ import annotations

import contextlib
import os
import platform
import re
import shutil
import signal
import socket
import subprocess
import textwrap
import time
from pathlib import Path

import requests

REPO = Path(__file__).resolve().parent.parent
TOOLS = {"wrk": "wrk", "etcd": "etcd-server"}  # command -> Debian package


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def ensure_tools() -> None:
    """Install wrk and etcd with apt-get when missing and root; else say how and stop."""
    missing = [package for command, package in TOOLS.items() if not shutil.which(command)]
    if not missing:
        return
    command = ["apt-get", "install", "-y", *missing]
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print(f"bench: installing {' '.join(missing)}", flush=True)
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)  # noqa: S603
        return
    raise SystemExit(f"bench: needs {' '.join(missing)}: run `sudo {' '.join(command)}`")


class Processes:
    """Every server the benchmark starts, each in its own session; all stopped on exit."""

    def __init__(self, log_dir: Path):
        self.log_dir = log_dir
        self.running: list[subprocess.Popen] = []

    def start(self, name: str, argv: list[str], env: dict[str, str]) -> subprocess.Popen:
        log = (self.log_dir / f"{name}.log").open("ab")
        process = subprocess.Popen(  # noqa: S603
            argv, cwd=REPO, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        log.close()
        process.bench_name = name
        self.running.append(process)
        return process

    def log(self, name: str) -> str:
        path = self.log_dir / f"{name}.log"
        return path.read_text(errors="replace")[-4000:] if path.exists() else ""

    def wait_ready(self, process: subprocess.Popen, url: str, timeout: float = 30) -> None:
        """Wait until `url` answers below 500 (any answer proves a worker is up)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"{process.bench_name} exited:\n{self.log(process.bench_name)}")
            try:
                if requests.get(url, timeout=2).status_code < 500:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{process.bench_name} did not answer:\n{self.log(process.bench_name)}")

    def stop(self, process: subprocess.Popen, timeout: float = 10) -> None:
        """SIGTERM the process group, then SIGKILL it if it lingers."""
        if process.poll() is None:
            _signal_group(process, signal.SIGTERM)
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout)
        _signal_group(process, signal.SIGKILL)  # workers a dead master left behind
        if process.poll() is None:
            process.wait(5)
        if process in self.running:
            self.running.remove(process)

    def stop_all(self) -> None:
        for process in list(self.running):
            self.stop(process)


def _signal_group(process: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, sig)  # its own session: the master and its workers


def machine(postgres_version: str) -> dict[str, str]:
    """Describe the machine the figures were measured on."""
    cpuinfo = Path("/proc/cpuinfo").read_text() if Path("/proc/cpuinfo").exists() else ""
    model = re.search(r"^model name\s*:\s*(.+)$", cpuinfo, re.MULTILINE)
    load = os.getloadavg()
    return {
        "nproc": str(os.cpu_count()),
        "cpu": model.group(1).strip() if model else platform.processor(),
        "kernel": platform.release(),
        "python": platform.python_version(),
        "postgresql": postgres_version,
        "wrk": _version(["wrk", "-v"]),
        "etcd": _version(["etcd", "--version"]),
        "load average at start": f"{load[0]:.2f} {load[1]:.2f} {load[2]:.2f}",
    }


def busiest(threshold: float = 15.0) -> str:
    """The processes using more than `threshold` % of a core just now (others loading us)."""
    argv = ["top", "-b", "-n", "2", "-d", "1", "-c", "-w", "200"]
    found = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    sample = found.stdout.split("\n  PID ")[-1].splitlines()[1:]
    busy = []
    for line in sample:
        columns = line.split(None, 11)
        if len(columns) == 12 and float(columns[8].replace(",", ".")) >= threshold:
            busy.append(f"{columns[11][:70]} ({columns[8]} %)")
    return "; ".join(busy) or "none above 15 % of a core"


def _version(argv: list[str]) -> str:
    found = subprocess.run(argv, capture_output=True, text=True, check=False)  # noqa: S603
    return (found.stdout or found.stderr).strip().splitlines()[0] if found else ""


def commit() -> str:
    """The commit measured, and the last one that changed the service's code."""

    def log(*paths: str) -> str:
        argv = ["git", "log", "-1", "--format=%h %s", "--", *paths]
        found = subprocess.run(  # noqa: S603
            argv, cwd=REPO, capture_output=True, text=True, check=False
        )
        return textwrap.shorten(found.stdout.strip(), 80, placeholder=" …")

    head = (log().split() or ["?"])[0]
    return f"{head}; tenant_config/ last changed by {log('tenant_config')}"
