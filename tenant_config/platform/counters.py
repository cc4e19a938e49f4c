"""Reading change counters on the hot path: one statement, on connections kept for it alone.

A lookup reads two counters before every answer (platform/answers.py). Through the pool that
costs a ping, a BEGIN and a ROLLBACK around the read, and psycopg forgets its prepared
statements at each ROLLBACK. These connections come from the engine (so with its connect
settings), leave its pool, run in autocommit and keep the statement prepared. A connection
that fails is dropped and the read reports nothing: the caller then answers without the cache,
through the pool, which pings and reconnects.
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Flask, current_app
from sqlalchemy import Engine, event
from sqlalchemy.exc import SQLAlchemyError

EXTENSION = "tenant_config.counters"
_READ = "SELECT change_key, counter FROM change_counters WHERE change_key IN ({0}, {0})"
log = logging.getLogger(__name__)


class CounterReader:
    """Reads change counters, at most `size` at once, on connections of its own."""

    def __init__(self, engine: Engine, size: int):
        self.engine = engine
        postgres = engine.dialect.name == "postgresql"
        self.statement = _READ.format("%s" if postgres else "?")
        self._postgres = postgres
        # The pool raises the driver's own error when it cannot connect; SQLAlchemy's otherwise.
        self._failures = (SQLAlchemyError, engine.dialect.loaded_dbapi.Error)
        self._idle: list[Any] = []
        self._slots = threading.BoundedSemaphore(size)
        event.listen(engine, "engine_disposed", lambda _engine: self.close())

    def read(self, first: str, second: str) -> tuple[int, int] | None:
        """Return the committed counters of two keys (0 if never counted), or None if unreadable."""
        with self._slots:
            connection = None
            try:
                connection = self._idle.pop() if self._idle else self._connect()
                rows = connection.execute(self.statement, (first, second)).fetchall()
            except self._failures as error:
                log.info("change counters unread (%s): answered uncached", type(error).__name__)
                if connection is not None:
                    connection.close()
                return None
            self._idle.append(connection)
        found = dict(rows)
        return found.get(first, 0), found.get(second, 0)

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


def init_counters(app: Flask, engine: Engine, size: int) -> None:
    """Give the app its reader of change counters."""
    app.extensions[EXTENSION] = CounterReader(engine, size)


def read_counters(first: str, second: str) -> tuple[int, int] | None:
    """Return the committed counters of two keys, or None when they cannot be read now."""
    return current_app.extensions[EXTENSION].read(first, second)
