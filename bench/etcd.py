"""The peer: etcd 3.4 on free ports, holding the same 20 values, read through its JSON gateway."""

from __future__ import annotations

import base64
import json
import os
import time
from pathlib import Path

import requests

from bench.tools import Processes, free_port
from bench.wrk import request_line


def _b64(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


class Etcd:
    """One etcd member with a temporary data directory."""

    def __init__(self, processes: Processes, data_dir: Path):
        self.processes = processes
        self.data_dir = data_dir
        self.port = free_port()
        self.peer_port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process = None

    def start(self) -> Etcd:
        peer = f"http://127.0.0.1:{self.peer_port}"
        argv = [
            "etcd",
            "--name=bench",
            f"--data-dir={self.data_dir}",
            f"--listen-client-urls={self.url}",
            f"--advertise-client-urls={self.url}",
            f"--listen-peer-urls={peer}",
            f"--initial-advertise-peer-urls={peer}",
            f"--initial-cluster=bench={peer}",
            "--log-level=warn",
        ]
        env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "ETCD_UNSUPPORTED_ARCH": ""}
        self.process = self.processes.start("etcd", argv, env)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{self.url}/health", timeout=2).ok:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"etcd did not start:\n{self.processes.log('etcd')}")

    def put(self, prefix: str, values: dict[str, str]) -> None:
        """Store `values` under `prefix` (key = prefix + name)."""
        for name, value in values.items():
            body = {"key": _b64(prefix + name), "value": _b64(value)}
            requests.post(f"{self.url}/v3/kv/put", json=body, timeout=5).raise_for_status()

    def range_line(self, prefix: str) -> str:
        """The wrk request line of a range read of everything under `prefix`."""
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        body = json.dumps({"key": _b64(prefix), "range_end": _b64(end)})
        return request_line("POST", "/v3/kv/range", body, Content_Type="application/json")

    def count(self, prefix: str) -> int:
        """How many keys a range read of `prefix` answers (checked before measuring)."""
        end = prefix[:-1] + chr(ord(prefix[-1]) + 1)
        body = {"key": _b64(prefix), "range_end": _b64(end)}
        answer = requests.post(f"{self.url}/v3/kv/range", json=body, timeout=5)
        answer.raise_for_status()
        return len(answer.json().get("kvs", []))

    def stop(self) -> None:
        if self.process is not None:
            self.processes.stop(self.process)
