"""Counters a connector can export (to Prometheus, StatsD, its logs)."""

from __future__ import annotations

import threading
from dataclasses import dataclass, fields


@dataclass(frozen=True)
class Stats:
    """What the client did since it was made, and how old the configuration it holds is."""

    requests: int = 0  # HTTP requests sent to the service (each try and each change wait)
    not_modified: int = 0  # 304 answers: the held copy was still current, nothing parsed
    changes: int = 0  # 200 answers that brought a configuration the client did not hold
    retries: int = 0  # tries made again after a 429, a 5xx or a connection error
    rate_limited: int = 0  # 429 answers
    token_refreshes: int = 0  # tokens fetched anew because the service answered 401
    fallbacks: int = 0  # reads answered from the last-known-good copy
    errors: int = 0  # reads that failed with no copy to fall back on
    # Seconds since the service last confirmed the oldest configuration held (0.0 when none).
    oldest_copy_age_seconds: float = 0.0

    def as_dict(self) -> dict[str, float]:
        """The counters by name, ready for an exporter."""
        return {field.name: getattr(self, field.name) for field in fields(self)}


class Counters:
    """Thread-safe counters behind `Stats`."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        names = (field.name for field in fields(Stats) if field.name != "oldest_copy_age_seconds")
        self._values = dict.fromkeys(names, 0)

    def add(self, name: str, amount: int = 1) -> None:
        """Count `amount` more of `name`."""
        with self._lock:
            self._values[name] += amount

    def snapshot(self, oldest_copy_age_seconds: float) -> Stats:
        """The counters as they are now."""
        with self._lock:
            return Stats(**self._values, oldest_copy_age_seconds=oldest_copy_age_seconds)
