"""The client connectors embed: their configuration in one call, fresh, cheap, through outages."""

from __future__ import annotations

import logging
import os
import re
import socket
import threading
import time
from dataclasses import dataclass
from typing import Any, Literal
from urllib.parse import quote, urlencode

from tenant_config_client.auth import TokenProvider
from tenant_config_client.backoff import Backoff
from tenant_config_client.errors import UnavailableError
from tenant_config_client.result import ConfigResult, Held, freeze
from tenant_config_client.stats import Counters, Stats
from tenant_config_client.store import LastKnownGood
from tenant_config_client.transport import Transport
from tenant_config_client.watch import OnChange, Watcher

log = logging.getLogger("tenant_config_client")

WAIT_MARGIN = 15.0  # seconds a change wait's read may take beyond the wait itself


def default_instance() -> str:
    """This process's instance id for reports: host name and process id, in allowed characters."""
    return re.sub(r"[^A-Za-z0-9._:-]", "-", f"{socket.gethostname()}-{os.getpid()}")[:128]


@dataclass(frozen=True)
class Lookup:
    """One connector lookup: `effective=true&format=map`, of one group or all."""

    connector: str
    partner_tenant: str
    group: str | None = None

    def __post_init__(self) -> None:
        for name, value in (("connector", self.connector), ("partner_tenant", self.partner_tenant)):
            if not isinstance(value, str) or value.strip() in ("", ".", ".."):
                raise ValueError(f"{name} must be a non-empty string, not {value!r}")

    @property
    def partner_path(self) -> str:
        """The partner tenant's path under the connector, each segment percent-encoded."""
        connector, partner = quote(self.connector, safe=""), quote(self.partner_tenant, safe="")
        return f"/connectors/{connector}/partnertenants/{partner}"

    @property
    def params(self) -> dict[str, str]:
        """The query parameters of the lookup."""
        group = {"group": self.group} if self.group is not None else {}
        return {"effective": "true", "format": "map"} | group

    @property
    def query(self) -> str:
        """The query string, as a report names the lookup it applied."""
        return urlencode(self.params)


class TenantConfigClient:
    """Read connectors' configurations from one tenant-config service."""

    def __init__(
        self,
        base_url: str,
        tokens: TokenProvider,
        *,
        last_known_good: LastKnownGood | None = None,
        backoff: Backoff | None = None,
        timeout: float = 10.0,
        instance: str | None = None,
    ):
        self.backoff = backoff or Backoff()
        self.instance = instance or default_instance()
        self._counters = Counters()
        self._transport = Transport(
            base_url, tokens, backoff=self.backoff, counters=self._counters, timeout=timeout
        )
        self._store = last_known_good
        self._held: dict[str, Held] = {}
        self._watchers: list[Watcher] = []
        self._lock = threading.Lock()

    def get(self, connector: str, partner_tenant: str, group: str | None = None) -> ConfigResult:
        """Read the configuration by group and name (the last-known-good copy in an outage)."""
        lookup = Lookup(connector, partner_tenant, group)
        try:
            return self._read(lookup)
        except UnavailableError as error:
            held = self._held_copy(lookup)
            if held is None:
                self._counters.add("errors")
                raise
            self._counters.add("fallbacks")
            result = held.result(from_cache=True)
            log.warning(
                "%s %s: serving the last-known-good copy, %.0f s old (%s)",
                connector, partner_tenant, result.stale_seconds, error,
            )  # fmt: skip
            return result

    def watch(
        self,
        connector: str,
        partner_tenant: str,
        on_change: OnChange,
        group: str | None = None,
        *,
        wait: int = 30,
        jitter: float = 5.0,
    ) -> Watcher:
        """Follow the configuration through change waits in a thread, calling `on_change`."""
        lookup = Lookup(connector, partner_tenant, group)
        held = self._held_copy(lookup)
        watcher = Watcher(
            lambda seconds, stop: self._read(lookup, wait=seconds, stop=stop),
            on_change,
            name=f"{connector}/{partner_tenant}",
            held_etag=held.etag if held else None,
            wait=wait,
            jitter=jitter,
            backoff=self.backoff,
        )
        with self._lock:
            self._watchers.append(watcher)
        return watcher.start()

    def report(
        self,
        connector: str,
        partner_tenant: str,
        etag: str,
        status: Literal["applied", "rejected"] = "applied",
        reason: str | None = None,
        instance: str | None = None,
        group: str | None = None,
    ) -> dict[str, Any]:
        """Tell the service which version (ETag) this instance applied or rejected, and why."""
        if status not in ("applied", "rejected"):
            raise ValueError(f"status must be 'applied' or 'rejected', not {status!r}")
        if not etag:
            raise ValueError("etag must be the ETag of the configuration read")
        lookup = Lookup(connector, partner_tenant, group)
        path = f"{lookup.partner_path}/instances/{quote(instance or self.instance, safe='')}"
        body = {"etag": etag, "status": status, "reason": reason, "query": lookup.query}
        entry: dict[str, Any] = self._transport.send("PUT", path, json=body).json()
        return entry

    def stats(self) -> Stats:
        """The counters, and the age of the oldest configuration held."""
        now = time.time()
        with self._lock:
            ages = [now - held.verified_at for held in self._held.values()]
        return self._counters.snapshot(max(ages, default=0.0))

    def close(self) -> None:
        """Stop the watchers and close the connections."""
        with self._lock:
            watchers, self._watchers = self._watchers, []
        for watcher in watchers:
            watcher.stop()
        self._transport.close()

    def __enter__(self) -> TenantConfigClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def _key(self, lookup: Lookup) -> str:
        return f"{self._transport.base_url}{lookup.partner_path}/configs?{lookup.query}"

    def _held_copy(self, lookup: Lookup) -> Held | None:
        key = self._key(lookup)
        with self._lock:
            held = self._held.get(key)
        if held is None and self._store is not None:
            held = self._store.load(key)  # after a restart: revalidated like any copy held
            if held is not None:
                with self._lock:
                    held = self._held.setdefault(key, held)
        return held

    def _read(
        self, lookup: Lookup, wait: int | None = None, stop: threading.Event | None = None
    ) -> ConfigResult:
        """Revalidate the copy held, waiting up to `wait` s for a change when asked."""
        held = self._held_copy(lookup)
        response = self._transport.send(
            "GET",
            f"{lookup.partner_path}/configs",
            params=lookup.params | ({"wait": str(wait)} if wait else {}),
            headers={"If-None-Match": held.etag} if held else None,
            read_timeout=wait + WAIT_MARGIN if wait else None,
            stop=stop,
        )
        now = time.time()
        key = self._key(lookup)
        if response.status_code == 304 and held is not None:
            held.verified_at = now  # still current: nothing to parse
            self._counters.add("not_modified")
            if self._store is not None:
                self._store.confirm(key, now)
            return held.result(from_cache=False)
        try:
            values = freeze(response.json()) if response.status_code == 200 else None
        except ValueError:
            values = None
        if values is None:
            raise UnavailableError(f"the lookup answered {response.status_code} without a map")
        fresh = Held(values, response.headers.get("ETag", ""), now)
        with self._lock:
            self._held[key] = fresh
        self._counters.add("changes")
        if self._store is not None:
            self._store.save(key, fresh)
        return fresh.result(from_cache=False)
