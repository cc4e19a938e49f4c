"""Driving wrk: request files for the Lua scripts, a warm-up, one measured run, its figures."""

from __future__ import annotations

import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
CONNECTIONS = 16
THREADS = 2


@dataclass(frozen=True)
class Timing:
    """One measured run: requests per second and latencies in milliseconds."""

    rps: float
    p50: float
    p99: float
    requests: int
    failed: int  # answers other than 2xx/3xx, and socket errors


@dataclass(frozen=True)
class Durations:
    measure: int
    warmup: int


def request_line(method: str, path: str, body: str | None = None, **headers: str) -> str:
    """One line of a requests file (see requests.lua)."""
    fields = [
        method,
        path,
        body or "-",
        *(f"{k.replace('_', '-')}: {v}" for k, v in headers.items()),
    ]
    if any("\t" in field or "\n" in field for field in fields):
        raise ValueError("a request field holds a tab or a newline")
    return "\t".join(fields)


def run(
    base_url: str,
    lines: list[str],
    data_file: Path,
    durations: Durations,
    *,
    script: str = "requests.lua",
    timeout_s: int = 10,
) -> Timing:
    """Warm up, then measure `lines` (sent at random, or as updates.lua reads them)."""
    data_file.write_text("\n".join(lines) + "\n")
    if durations.warmup:
        _wrk(base_url, data_file, script, durations.warmup, timeout_s)
    return _wrk(base_url, data_file, script, durations.measure, timeout_s)


def _wrk(base_url: str, data_file: Path, script: str, seconds: int, timeout_s: int) -> Timing:
    argv = [
        "wrk",
        f"-t{THREADS}",
        f"-c{CONNECTIONS}",
        f"-d{seconds}s",
        f"--timeout={timeout_s}s",
        "-s",
        str(HERE / script),
        base_url,
    ]
    env = os.environ | {
        "BENCH_DATA": str(data_file),
        "BENCH_THREADS": str(THREADS),
        "BENCH_LUA_DIR": str(HERE),
    }
    done = subprocess.run(  # noqa: S603
        argv, capture_output=True, text=True, env=env, timeout=seconds + 60, check=False
    )
    figures = [line for line in done.stdout.splitlines() if line.startswith("BENCH ")]
    if done.returncode != 0 or not figures:
        raise RuntimeError(f"wrk failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    found = json.loads(figures[-1].removeprefix("BENCH "))
    return Timing(
        rps=found["requests"] / (found["duration_us"] / 1e6),
        p50=found["p50_us"] / 1000,
        p99=found["p99_us"] / 1000,
        requests=found["requests"],
        failed=found["status_errors"] + found["socket_errors"],
    )
