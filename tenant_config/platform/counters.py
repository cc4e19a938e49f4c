"""Reading change counters on the hot path: one statement, on connections kept for it alone.

A lookup reads two counters before every answer (platform/answers.py). Through the pool that
costs a ping, a BEGIN and a ROLLBACK around the read, and psycopg forgets its prepared
statements at each ROLLBACK. These connections come from the engine (so with its connect
settings), leave its pool, run in autocommit and keep the statement prepared. A connection
that fails is dropped and the read reports nothing: the caller then answers without the cache,
through the pool, which pings and reconnects.

Requests that arrive while reads are in flight share the next read: one statement for all
their keys. It starts after each of them arrived, so it sees every write answered before.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError

EXTENSION = "tenant_config.counters"
# Reads in flight at once per worker; requests arriving meanwhile share the next read.
CONNECTIONS = 2
_READ = {
    "postgresql": "SELECT change_key, counter FROM change_counters WHERE change_key = ANY(%s)",
    "sqlite": "SELECT change_key, counter FROM change_counters"
    " WHERE change_key IN (SELECT value FROM json_each(?))",
}
log = logging.getLogger(__name__)


class _Read:
    """One statement's keys, gathered until it starts, and what it found (None: unread)."""

    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.done = threading.Event()
        self.found: dict[str, int] | None = None


class CounterReader:
    """Reads change counters, at most `size` statements at once, on connections of its own."""

    def __init__(self, engine: Engine, size: int):
        self.engine = engine
        self._postgres = engine.dialect.name == "postgresql"
        self.statement = _READ[engine.dialect.name]
        self._lock = threading.Lock()
        self._gathering: _Read | None = None
        # The pool raises the driver's own error when it cannot connect; SQLAlchemy's otherwise.
        self._failures = (SQLAlchemyError, engine.dialect.loaded_dbapi.Error)
        self._idle: list[Any] = []
        self._slots = threading.BoundedSemaphore(size)
        event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def read(self, first: str, second: str) -> tuple[int, int] | None:
        """Return the committed counters of two keys (0 if never counted), or None if unreadable."""
        with self._lock:
            read, leads = self._gathering, self._gathering is None
            if leads:
                read = self._gathering = _Read()
            read.keys.update((first, second))
        if leads:
            with self._slots:
                with self._lock:
                    self._gathering = None  # from now on, arrivals gather for the next read
                read.found = self._run(read.keys)
            read.done.set()
        else:
            read.done.wait()
        if read.found is None:
            return None
        return read.found.get(first, 0), read.found.get(second, 0)

    def _run(self, keys: set[str]) -> dict[str, int] | None:
        connection = None
        try:
            connection = self._idle.pop() if self._idle else self._connect()
            parameter = list(keys) if self._postgres else json.dumps(list(keys))
            rows = connection.execute(self.statement, (parameter,)).fetchall()
        except self._failures as error:
            log.info("change counters unread (%s): answered uncached", type(error).__name__)
            if connection is not None:
                connection.close()
            return None
        self._idle.append(connection)
        return dict(rows)

    def close(self) -> None:
        """Close the idle connections (the engine was disposed of)."""
        while self._idle:
            self._idle.pop().close()

    def _connect(self) -> Any:
        proxied = self.engine.raw_connection()  # the engine's connect events have run on it
        proxied.detach()
        connection = proxied.dbapi_connection
        if self._postgres:
            connection.rollback()
            connection.autocommit = True  # SQLite's connections are in autocommit already
        return connection


def init_counters(app: Flask, engine: Engine) -> None:
    """Give the app its reader of change counters."""
    app.extensions[EXTENSION] = CounterReader(engine, CONNECTIONS)


def read_counters(first: str, second: str) -> tuple[int, int] | None:
    """Return the committed counters of two keys, or None when they cannot be read now."""
    return current_app.extensions[EXTENSION].read(first, second)


# A read made for this very request before Flask (operations/fast_lookup.py): still "before
# the answer", so the cached lookup uses it instead of reading again.
READ_BEFORE_FLASK = "tenant_config.counters.read"
