"""How long to wait before trying again: capped exponential backoff with full jitter."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime


@dataclass(frozen=True)
class Backoff:
    """When to try a request again: `attempts` tries in all, waits doubling from `base` to `cap`."""

    attempts: int = 4
    base: float = 0.25
    cap: float = 10.0
    # A Retry-After longer than this is not waited for: the read fails (or falls back) instead.
    max_retry_after: float = 30.0

    def __post_init__(self) -> None:
        if self.attempts < 1 or self.base <= 0 or self.cap < self.base:
            raise ValueError("Backoff needs attempts >= 1 and 0 < base <= cap")

    def delay(self, attempt: int, retry_after: float | None = None) -> float | None:
        """Seconds to wait after failed try number `attempt` (from 0), or None to give up."""
        if attempt + 1 >= self.attempts:
            return None
        if retry_after is not None:
            if retry_after > self.max_retry_after:
                return None
            # At least what the service asked, spread a little so callers do not return together.
            return retry_after + random.uniform(0, self.base)  # noqa: S311 (jitter, not a secret)
        return self.jittered(attempt)

    def jittered(self, attempt: int) -> float:
        """A random wait up to base * 2**attempt, capped (full jitter)."""
        return random.uniform(0, min(self.cap, self.base * 2**attempt))  # noqa: S311 (jitter)


def parse_retry_after(value: str | None) -> float | None:
    """Read a Retry-After header: delay seconds or an HTTP date; None when absent or unreadable."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
