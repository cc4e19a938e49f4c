"""Change waits held open while the lookup is measured, and how soon a change reaches them."""

from __future__ import annotations

import select
import socket
import statistics
import time

import requests

from bench.cases import TIMEOUT, Tokens, lookup_path
from bench.seed import Target


class HeldWaits:
    """`count` lookups waiting for a change (`wait=60` with the current ETag), held open."""

    def __init__(self, port: int, tokens: Tokens, targets: list[Target], etags, count: int):
        self.sockets: list[socket.socket] = []
        self.partners: list[str] = []
        for index in range(count):
            target = targets[index % len(targets)]
            request = (
                f"GET {lookup_path(target, 'wait=60')} HTTP/1.1\r\n"
                f"Host: 127.0.0.1:{port}\r\n"
                f"Authorization: Bearer {tokens.reader(target)}\r\n"
                f"If-None-Match: {etags[target.partner_tenant]}\r\n\r\n"
            )
            held = socket.create_connection(("127.0.0.1", port), timeout=5)
            held.sendall(request.encode())
            self.sockets.append(held)
            self.partners.append(target.partner_tenant)

    def still_waiting(self) -> int:
        """How many have neither been answered nor closed."""
        poller = select.poll()  # select() stops at descriptor 1024
        for held in self.sockets:
            poller.register(held, select.POLLIN)
        return len(self.sockets) - len(poller.poll(0))

    def change_reaches_waiters(self, base_url: str, tokens: Tokens, target: Target) -> float:
        """Change `target`'s config; return ms from the write's answer to its last waiter's."""
        pairs = zip(self.sockets, self.partners, strict=True)
        watched = [held for held, partner in pairs if partner == target.partner_tenant]
        poller = select.poll()
        for held in watched:
            poller.register(held, select.POLLIN)
        headers = {"Authorization": f"Bearer {tokens.writer(target)}"}
        url = f"{base_url}/tenantintegrations/{target.integration_id}/configs/{target.config_id}"
        current = requests.get(url, headers=headers, timeout=TIMEOUT).json()["version"]
        body = {"group": target.group, "name": target.name, "value": f"changed-{time.time()}"}
        written = requests.put(
            url, json=body | {"version": current}, headers=headers, timeout=TIMEOUT
        )
        answered, pending = time.monotonic(), len(watched)
        if written.status_code != 200:
            raise RuntimeError(f"the change was refused: {written.status_code}")
        last = answered
        while pending and time.monotonic() - answered < 10:
            for descriptor, _event in poller.poll(100):
                poller.unregister(descriptor)
                pending, last = pending - 1, time.monotonic()
        if pending:
            raise RuntimeError(f"{pending} of {len(watched)} waiters never heard of the change")
        return (last - answered) * 1000

    def close(self) -> None:
        for held in self.sockets:
            held.close()
        self.sockets, self.partners = [], []


def change_latency(held: HeldWaits, base_url: str, tokens: Tokens, targets: list[Target]) -> str:
    """Five changes of distinct partner tenants with waiters: the note of their latencies."""
    latencies = [held.change_reaches_waiters(base_url, tokens, t) for t in targets[:5]]
    return (
        f"a change reaches every waiting connector of its partner tenant in "
        f"{statistics.median(latencies):.0f} ms (median of 5), {max(latencies):.0f} ms at most, "
        f"counted from the write's answer, with {len(held.sockets)} waits held (target < 100 ms)"
    )
