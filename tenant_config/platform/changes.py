"""Change waits: one watcher per worker process learns of config changes, waiting callers sleep.

Writers announce a change of a connector's partner tenant in their own transaction (a change
of the connector's parameter definitions is a change of every one of its partner tenants). On
PostgreSQL that is a NOTIFY, delivered at commit to every process that LISTENs, whichever
worker or host wrote it. On SQLite the watcher reads the last row ids of the configs' and the
definitions' histories a few times a second instead. Either way the database sees one watcher
per process, however many callers wait; a woken caller reads its answer once more.
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg
from flask import Flask, current_app
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.orm import Session
from sqlalchemy.pool import NullPool

CHANNEL = "tenant_config_changes"
EXTENSION = "tenant_config.changes"
POLL_SECONDS = 0.25
RECONNECT_SECONDS = 1.0
log = logging.getLogger(__name__)
# What SQLite polling watches: the last history row of configs, and of definitions.
_LAST_ROWS = text(
    "SELECT (SELECT max(rowid) FROM tenant_config_versions),"
    " (SELECT max(rowid) FROM connector_parameter_versions)"
)


def change_key(connector: str, partner_tenant: str) -> str:
    """The key a change of one connector's partner tenant is announced under."""
    return f"{connector}\x1f{partner_tenant}"


def connector_key(connector: str) -> str:
    """The key a change of all of a connector's partner tenants (its definitions) goes under."""
    return f"{connector}\x1e"  # never a change_key: a connector code holds neither separator


def _connector_key_of(key: str) -> str:
    return connector_key(key.partition("\x1f")[0])


def announce(session: Session, key: str) -> None:
    """Announce a change of `key` when the caller's transaction commits (PostgreSQL)."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_notify(:channel, :key)"), {"channel": CHANNEL, "key": key})


class ChangeFeed:
    """Counts the changes this process has heard of, per key, and wakes whoever waits."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self._changed = threading.Condition()
        self._counts: dict[str, int] = {}
        self._everything = 0  # a change whose key is not known (SQLite polling)
        self._watcher: threading.Thread | None = None

    def position(self, key: str) -> tuple[int, int, int]:
        """Return where the feed stands for `key`; pass it to `wait` after reading."""
        self._start()
        with self._changed:
            return self._now(key)

    def wait(self, key: str, position: tuple[int, int, int], timeout: float) -> bool:
        """Sleep until `key` changes after `position` or `timeout` passes; tell which."""
        with self._changed:
            return self._changed.wait_for(lambda: self._now(key) != position, timeout)

    def _now(self, key: str) -> tuple[int, int, int]:
        connector = self._counts.get(_connector_key_of(key), 0)
        return self._counts.get(key, 0), connector, self._everything

    def _heard(self, key: str | None) -> None:
        with self._changed:
            if key is None:
                self._everything += 1
            else:
                self._counts[key] = self._counts.get(key, 0) + 1
            self._changed.notify_all()

    def _start(self) -> None:
        if self._watcher is not None and self._watcher.is_alive():
            return
        with self._changed:
            if self._watcher is None or not self._watcher.is_alive():
                listen = self.engine.dialect.name == "postgresql"
                self._watcher = threading.Thread(
                    target=self._listen if listen else self._poll,
                    name=f"change-feed-{id(self):x}",
                    daemon=True,
                )
                self._watcher.start()

    def _listen(self) -> None:
        url = self.engine.url.set(drivername="postgresql").render_as_string(hide_password=False)
        while True:
            try:
                with psycopg.connect(url, autocommit=True, connect_timeout=5) as connection:
                    connection.execute(f"LISTEN {CHANNEL}")
                    self._heard(None)  # changes may have been missed while not listening
                    for notice in connection.notifies():
                        self._heard(notice.payload)
            except psycopg.Error as error:
                log.warning("change feed: listening failed (%s); retrying", type(error).__name__)
                time.sleep(RECONNECT_SECONDS)

    def _poll(self) -> None:
        # A connection of its own, outside the app's pool: polls neither wait for the pool
        # nor show in its metrics.
        poller = create_engine(self.engine.url, poolclass=NullPool)
        last = None
        while True:
            try:
                with poller.connect() as connection:
                    now = tuple(connection.execute(_LAST_ROWS).one())
                if last is not None and now != last:
                    self._heard(None)
                last = now
            except Exception as error:  # the watcher outlives a database hiccup
                log.warning("change feed: polling failed (%s)", type(error).__name__)
            time.sleep(POLL_SECONDS)


def init_changes(app: Flask, engine: Engine) -> None:
    """Give the app its change feed (its watcher starts with the first waiting caller)."""
    app.extensions[EXTENSION] = ChangeFeed(engine)


def feed() -> ChangeFeed:
    """Return the current app's change feed."""
    return current_app.extensions[EXTENSION]
