"""Background watching: a thread that follows one lookup through the service's change waits."""

from __future__ import annotations

import logging
import random
import threading
from collections.abc import Callable

from tenant_config_client.backoff import Backoff
from tenant_config_client.errors import TenantConfigError
from tenant_config_client.result import ConfigResult

log = logging.getLogger("tenant_config_client")

# One change wait: (seconds to wait, stop event) -> the configuration then current.
WaitOnce = Callable[[int, threading.Event], ConfigResult]
OnChange = Callable[[ConfigResult], None]


class Watcher:
    """Keep `current` up to date in a daemon thread, and call `on_change` with each new version."""

    def __init__(
        self,
        wait_once: WaitOnce,
        on_change: OnChange,
        *,
        name: str,
        held_etag: str | None,
        wait: int,
        jitter: float,
        backoff: Backoff,
    ):
        if not 1 <= wait <= 60:
            raise ValueError("wait must be 1 to 60 seconds (the service's change-wait range)")
        self.name = name
        self.current: ConfigResult | None = None
        self._seen_etag = held_etag  # the version the caller has: no call back for it
        self._wait_once = wait_once
        self._on_change = on_change
        self._wait = wait
        self._jitter = jitter
        self._backoff = backoff
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name=f"tenant-config {name}", daemon=True)

    def start(self) -> Watcher:
        """Start watching (after a random pause of up to `jitter` seconds)."""
        self._thread.start()
        return self

    def stop(self, timeout: float = 0.0) -> None:
        """Stop watching, waiting up to `timeout` s for the thread (a wait in flight ends alone)."""
        self._stop.set()
        if timeout > 0 and self._thread is not threading.current_thread():
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        """Whether the thread still watches."""
        return self._thread.is_alive() and not self._stop.is_set()

    def _run(self) -> None:
        # Thousands of connectors restarted together must not all call at the same instant.
        if self._stop.wait(random.uniform(0, self._jitter)):  # noqa: S311 (jitter, not a secret)
            return
        failures = 0
        while not self._stop.is_set():
            try:
                result = self._wait_once(self._wait, self._stop)
            except Exception as error:
                failures += 1
                delay = self._backoff.jittered(failures)
                if isinstance(error, TenantConfigError):
                    log.warning("watching %s: %s; again in %.1f s", self.name, error, delay)
                else:
                    log.exception("watching %s failed; again in %.1f s", self.name, delay)
                self._stop.wait(delay)
                continue
            failures = 0
            self.current = result
            # Compared here, not by the read: a get() of the caller may have fetched it first.
            if result.etag != self._seen_etag and not self._stop.is_set():
                self._seen_etag = result.etag
                self._notify(result)

    def _notify(self, result: ConfigResult) -> None:
        try:
            self._on_change(result)
        except Exception:
            log.exception("watching %s: the change callback failed", self.name)
