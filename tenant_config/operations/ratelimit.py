"""Rate limits per caller (`limits`), checked once the bearer token has been validated."""

from __future__ import annotations

import logging
import math
import time

from flask import Flask, Response, current_app, g, request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage, RedisStorage, storage_from_string
from limits.strategies import SlidingWindowCounterRateLimiter

from tenant_config.platform.auth import after_authentication
from tenant_config.platform.problem_responses import problem_response
from tenant_config.platform.problems import TOO_MANY_REQUESTS
from tenant_config.platform.settings import Settings

EXTENSION = "tenant_config.operations.ratelimit"
REFUSAL = "tenant_config.ratelimit.refusal"
SWEEP_SECONDS = 5.0
LONGEST_REDIS_BACKOFF = 32.0
log = logging.getLogger(__name__)

# The library's own sliding-window scripts, run for every limit in one round trip: stop at the
# first limit refused (as one call per limit would) and return its window for Retry-After.
ACQUIRE_ALL = """
local function acquire(KEYS, ARGV)
{acquire}
end
local function window(KEYS, ARGV)
{window}
end
for i = 1, #KEYS / 2 do
    local keys = {{KEYS[2 * i - 1], KEYS[2 * i]}}
    if not acquire(keys, {{ARGV[2 * i - 1], ARGV[2 * i], 1}}) then
        local stats = window(keys, {{ARGV[2 * i]}})
        return {{i, stats[1], stats[2], stats[3], stats[4]}}
    end
end
return 0
"""


class TooManyRequests(Exception):
    """A caller went over one of its limits."""

    def __init__(self, limit: RateLimitItem, retry_after: int):
        super().__init__(str(limit))
        self.limit = limit
        self.retry_after = retry_after


class SweptMemoryStorage(MemoryStorage):
    """`limits`' memory storage, dropping expired counters inline rather than from timer threads."""

    def __init__(self) -> None:
        super().__init__()
        self.timer.cancel()  # the one timer of the base class; none is started again
        self.next_sweep = 0.0

    def sweep_now_and_then(self) -> None:
        """Drop expired counters, at most every SWEEP_SECONDS."""
        now = time.time()
        if now >= self.next_sweep:
            self.next_sweep = now + SWEEP_SECONDS
            self._MemoryStorage__expire_events()

    # The base class starts a Timer thread on every hit once the last one ran (every ~10 ms under
    # load: a thread, or a greenlet under gevent, per few requests); counting stays the library's.
    _MemoryStorage__schedule_expiry = sweep_now_and_then


class CallerLimits:
    """Each configured limit for one caller: in Redis in one round trip, else in this worker."""

    def __init__(self, settings: Settings):
        self.limits = sorted(parse_many(settings.ratelimit))  # shortest window first
        self.prefix = settings.ratelimit_key_prefix
        self.memory = SlidingWindowCounterRateLimiter(SweptMemoryStorage())
        self.redis: RedisStorage | None = None
        if settings.ratelimit_storage_url:
            self.redis = storage_from_string(
                settings.ratelimit_storage_url, socket_timeout=1, socket_connect_timeout=1
            )
            source = ACQUIRE_ALL.format(
                acquire=RedisStorage.SCRIPT_ACQUIRE_SLIDING_WINDOW.decode(),
                window=RedisStorage.SCRIPT_SLIDING_WINDOW.decode(),
            )
            self.acquire_all = self.redis.get_connection().register_script(source)
            self.args = [
                value for item in self.limits for value in (item.amount, item.get_expiry())
            ]
        self.redis_failures = 0
        self.redis_retry_at = 0.0

    def hit(self, caller: str) -> None:
        """Count one request of `caller`; raise TooManyRequests if it goes over a limit."""
        if self.redis is not None and time.time() >= self.redis_retry_at:
            try:
                self.hit_redis(caller)
            except self.redis.base_exceptions:
                self.redis_failures += 1
                backoff = min(2.0**self.redis_failures, LONGEST_REDIS_BACKOFF)
                self.redis_retry_at = time.time() + backoff
                log.warning(
                    "Rate limit storage unreachable: counting in memory for %.0f s", backoff
                )
            else:
                if self.redis_failures:
                    log.info("Rate limit storage reachable again")
                    self.redis_failures = 0
                return
        self.hit_memory(caller)

    def hit_redis(self, caller: str) -> None:
        """Count in Redis: one script for every limit, keys of one caller in one cluster slot."""
        assert self.redis is not None
        keys = []
        for item in self.limits:
            current = self.redis.prefixed_key(
                f"{{{self.prefix}/{caller}}}/{item.amount}/{item.multiples}/{item.GRANULARITY.name}"
            )
            keys += [f"{current}/-1", current]
        refused = self.acquire_all(keys=keys, args=self.args)
        if refused:
            limit = self.limits[int(refused[0]) - 1]
            counts = [int(refused[1] or 0), int(refused[3] or 0)]
            ttls = [
                max(0.0, float(refused[2] or 0)) / 1000,
                max(0.0, float(refused[4] or 0)) / 1000,
            ]
            raise TooManyRequests(limit, retry_after(limit, counts, ttls))

    def hit_memory(self, caller: str) -> None:
        """Count in this worker's memory, one limit after the other."""
        for limit in self.limits:
            if not self.memory.hit(limit, self.prefix, caller, "api"):
                key = limit.key_for(self.prefix, caller, "api")
                previous, previous_ttl, current, current_ttl = (
                    self.memory.storage.get_sliding_window(key, limit.get_expiry())
                )
                raise TooManyRequests(
                    limit, retry_after(limit, [previous, current], [previous_ttl, current_ttl])
                )


def retry_after(limit: RateLimitItem, counts: list[int], ttls: list[float]) -> int:
    """Say in how many seconds a request may pass again (after `limits`' get_window_stats)."""
    expiry = limit.get_expiry()
    previous, current = counts
    waits = []
    if previous:
        waits.append(ttls[0] % (expiry / previous))
    if current:
        # The current counter lives two windows: until it shifts, past ones count less. (The
        # library's `ttl % expiry` says 0 when the counter is brand new.)
        waits.append(max(0.0, ttls[1] - expiry))
    # A sliding window's reset can land a fraction past the window; never ask for more.
    return min(expiry, max(1, math.ceil(min(waits, default=0.0))))


def caller_key() -> str:
    """Key a request by the caller its token proved, else by its address."""
    # g.identity is only ever set from a verified token, so nobody can spend another's budget
    # and an invalid or random token falls back to the address instead of a fresh bucket.
    identity = g.get("identity")
    if identity:
        return f"caller:{identity}"
    return f"addr:{request.remote_addr or 'unknown'}"


def count_known_caller(app: Flask, environ: dict, identity: str) -> bool:
    """Count a request answered before Flask; tell whether it may pass.

    A refused one goes on to Flask carrying its refusal, which `limit_caller` raises there
    (the 429 problem) without counting it twice.
    """
    limits = app.extensions.get(EXTENSION)
    if limits is None:
        return True
    try:
        limits.hit(f"caller:{identity}")
    except TooManyRequests as refusal:
        environ[REFUSAL] = refusal
        return False
    return True


def init_ratelimit(app: Flask, settings: Settings) -> None:
    """Set up the per-caller limit; `limit_caller()` enforces it after authentication."""
    if not settings.ratelimit_enabled:
        return
    app.extensions[EXTENSION] = CallerLimits(settings)
    # Counted once the token is checked: keyed by the proven caller, or its address if none.
    after_authentication(app, limit_caller)
    app.register_error_handler(TooManyRequests, too_many_requests)


def limit_caller() -> None:
    """Count this request against its caller's limit; raise TooManyRequests when over it."""
    if (refusal := request.environ.pop(REFUSAL, None)) is not None:
        raise refusal  # counted already, before Flask (count_known_caller)
    limits = current_app.extensions.get(EXTENSION)
    if limits is not None:
        limits.hit(caller_key())


def too_many_requests(error: TooManyRequests) -> Response:
    """Answer a caller over its limit with the 429 problem and `Retry-After`."""
    return problem_response(
        TOO_MANY_REQUESTS,
        f"Too many requests: the limit is {error.limit}. Retry after {error.retry_after} s.",
        headers={"Retry-After": str(error.retry_after)},
    )
