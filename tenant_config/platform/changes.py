"""Change counters and change waits: what a lookup's answer was read at, and who waits for it.

Writers announce a change of a connector's partner tenant in their own transaction (a change
of the connector's parameter definitions is a change of every one of its partner tenants).
At commit, each key announced has its row in `change_counters` counted up, in that same
transaction: a cached answer read at the counters a request reads again is still the answer,
on every worker and host (platform/answers.py).

On PostgreSQL the commit also NOTIFYs every process that LISTENs, whichever worker or host
wrote it; on SQLite a watcher reads the last row ids of the configs' and the definitions'
histories a few times a second instead. Either way the database sees one watcher per
process, however many callers wait; a woken caller reads its answer once more.
"""

from __future__ import annotations

import logging
import threading
import time

import psycopg
from flask import Flask, current_app
from sqlalchemy import BigInteger, Column, Engine, Table, Text, create_engine, event, text
from sqlalchemy.orm import Session, SessionTransaction
from sqlalchemy.pool import NullPool

from tenant_config.platform.database import Base

CHANNEL = "tenant_config_changes"
LISTENER_NAME = "tenant-config change feed"  # as pg_stat_activity shows it
EXTENSION = "tenant_config.changes"
POLL_SECONDS = 0.25
RECONNECT_SECONDS = 1.0
log = logging.getLogger(__name__)
_PENDING = "tenant_config.changes.pending"
change_counters = Table(
    "change_counters",
    Base.metadata,
    Column("change_key", Text, primary_key=True),
    Column("counter", BigInteger, nullable=False),
)
_UPSERT = (
    "INSERT INTO change_counters (change_key, counter) VALUES (:key, 1) ON CONFLICT (change_key)"
    " DO UPDATE SET counter = change_counters.counter + 1"
)
_COUNT_AND_NOTIFY = {
    "sqlite": text(_UPSERT),
    # PostgreSQL notifies the listeners in the same round trip.
    "postgresql": text(
        "WITH counted AS (INSERT INTO change_counters (change_key, counter) VALUES (:key, 1)"
        " ON CONFLICT (change_key) DO UPDATE SET counter = change_counters.counter + 1"
        " RETURNING change_key) SELECT pg_notify(:channel, change_key) FROM counted"
    ),
}
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


def lookup_keys(connector: str, partner_tenant: str) -> tuple[str, str]:
    """The two keys a lookup's answer depends on: its partner tenant's and its connector's."""
    return change_key(connector, partner_tenant), connector_key(connector)


def _connector_key_of(key: str) -> str:
    return connector_key(key.partition("\x1f")[0])


def announce(session: Session, key: str) -> None:
    """Count a change of `key` when the caller's transaction commits, and wake its waiters."""
    session.info.setdefault(_PENDING, set()).add(key)


@event.listens_for(Session, "before_commit")
def _count_announced(session: Session) -> None:
    keys = session.info.pop(_PENDING, None)
    if not keys:
        return
    session.flush()  # the rows first: a counter's row lock is the last one the writer takes
    statement = _COUNT_AND_NOTIFY[session.get_bind().dialect.name]
    for key in sorted(keys):  # one order for every writer: no deadlock between counters
        session.execute(statement, {"key": key, "channel": CHANNEL})


@event.listens_for(Session, "after_transaction_end")
def _forget_announced(session: Session, transaction: SessionTransaction) -> None:
    if transaction.parent is None:  # rolled back: nothing changed, nothing to count
        session.info.pop(_PENDING, None)


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
                with psycopg.connect(
                    url, autocommit=True, connect_timeout=5, application_name=LISTENER_NAME
                ) as connection:
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
