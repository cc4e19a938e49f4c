"""Answers kept per worker: a lookup's bytes, valid while the change counters read stand still.

A request reads the counters of what its answer depends on (one indexed read on the database,
committed data only) and is answered from the cache when an answer was kept at exactly those
counters. Every writer counts its keys up in its own transaction (platform/changes.py), so an
answer is never served after a write has committed, on any worker or host. Answers that reveal
a secret (`Cache-Control: no-store`) are never kept.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

from flask import Flask, Response, current_app

EXTENSION = "tenant_config.answers"
# A safety net, not the mechanism: a change made behind the service's back (SQL by hand) is
# served for at most this long.
MAX_AGE_SECONDS = 60.0


@dataclass(frozen=True, slots=True)
class Answer:
    """A 200 answer as sent: its counters, body and headers."""

    counters: tuple[int, ...]
    body: bytes
    headers: tuple[tuple[str, str], ...]
    kept_at: float

    def response(self) -> Response:
        """Return a fresh response carrying this answer."""
        return Response(self.body, status=200, headers=list(self.headers))


class AnswerCache:
    """A least-recently-used map of answers, bounded by the bytes of their bodies."""

    def __init__(self, max_bytes: int):
        self.max_bytes = max_bytes
        self._answers: OrderedDict[Hashable, Answer] = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key: Hashable, counters: tuple[int, ...]) -> Answer | None:
        """Return the answer kept for `key` at exactly `counters`, if one is."""
        with self._lock:
            answer = self._answers.get(key)
            if answer is None:
                return None
            if answer.counters != counters or time.monotonic() - answer.kept_at > MAX_AGE_SECONDS:
                self._drop(key)
                return None
            self._answers.move_to_end(key)
            return answer

    def put(self, key: Hashable, counters: tuple[int, ...], response: Response) -> None:
        """Keep a 200 answer read at `counters` (never one that must not be stored)."""
        if response.status_code != 200 or "no-store" in response.headers.get("Cache-Control", ""):
            return
        headers = tuple(
            (name, value) for name, value in response.headers.items() if name != "Content-Length"
        )
        self.keep(key, Answer(counters, response.get_data(), headers, time.monotonic()))

    def keep(self, key: Hashable, answer: Answer) -> None:
        """Keep `answer` under `key`, the least recently used making room."""
        body = answer.body
        if len(body) > self.max_bytes // 16:
            return  # one answer never crowds out the rest
        with self._lock:
            self._drop(key)
            self._answers[key] = answer
            self._bytes += len(body)
            while self._bytes > self.max_bytes:
                self._drop(next(iter(self._answers)))

    def _drop(self, key: Hashable) -> None:
        answer = self._answers.pop(key, None)
        if answer is not None:
            self._bytes -= len(answer.body)


def init_answers(app: Flask, max_bytes: int) -> None:
    """Give the app its answer cache (none when `max_bytes` is 0)."""
    app.extensions[EXTENSION] = AnswerCache(max_bytes) if max_bytes > 0 else None


def answers() -> AnswerCache | None:
    """Return the current app's answer cache, or None when it is off."""
    return current_app.extensions[EXTENSION]
