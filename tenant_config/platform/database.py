"""The database handle, shared column types and the unit-of-work transaction."""

from __future__ import annotations

import functools
import logging
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import ParamSpec, TypeVar

from flask import Flask
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, Engine, String, TypeDecorator, event
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, declared_attr, mapped_column, registry
from sqlalchemy.orm.exc import StaleDataError

from tenant_config.platform.clock import utcnow
from tenant_config.platform.errors import ConcurrentChange
from tenant_config.platform.settings import Settings

log = logging.getLogger(__name__)

_in_transaction: ContextVar[bool] = ContextVar("in_transaction", default=False)
_write_intent: ContextVar[bool] = ContextVar("write_intent", default=False)


class UTCDateTime(TypeDecorator):
    """A timezone-aware UTC timestamp on every backend (SQLite drops the zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(type_annotation_map={datetime: UTCDateTime(), str: String(255)})


db = SQLAlchemy(model_class=Base, session_options={"expire_on_commit": False})


def next_version(current: int | None) -> int:
    """Version 0 on insert, then +1 per change (SQLAlchemy's version counter)."""
    return 0 if current is None else current + 1


class Audited:
    """The spec's BaseResource columns, shared by every resource table."""

    id: Mapped[uuid.UUID] = mapped_column(primary_key=True, default=uuid.uuid4)
    version: Mapped[int] = mapped_column(nullable=False)
    created_at: Mapped[datetime] = mapped_column(nullable=False)
    updated_at: Mapped[datetime] = mapped_column(nullable=False)
    created_by: Mapped[str] = mapped_column(nullable=False)
    updated_by: Mapped[str] = mapped_column(nullable=False)

    @declared_attr.directive
    def __mapper_args__(cls) -> dict:
        # SQLAlchemy adds "AND version = :old" to every UPDATE/DELETE: a lost update is impossible.
        return {"version_id_col": cls.__table__.c.version, "version_id_generator": next_version}

    def stamp(self, who: str, now: datetime | None = None) -> None:
        """Record a change by `who` now (and the creation, on a new row)."""
        now = now or utcnow()
        if self.created_at is None:
            self.created_at, self.created_by = now, who
        self.updated_at, self.updated_by = now, who


# libpq: probe an idle connection after 10 s, give up after 3 unanswered probes 5 s apart,
# and drop one whose sent data is not acknowledged within 15 s.
PG_DEAD_PEER_DETECTION = {
    "keepalives": 1,
    "keepalives_idle": 10,
    "keepalives_interval": 5,
    "keepalives_count": 3,
    "tcp_user_timeout": 15000,
}


def engine_options(settings: Settings) -> dict:
    """Engine options per backend: bounded waits and no bound values in error messages."""
    options: dict = {"hide_parameters": True, "pool_pre_ping": True}
    if settings.database_url.startswith("sqlite"):
        options["connect_args"] = {
            "timeout": settings.db_connect_timeout,
            "check_same_thread": False,
        }
    elif settings.database_url.startswith("postgresql"):
        options["connect_args"] = {
            "connect_timeout": settings.db_connect_timeout,
            "options": f"-c statement_timeout={settings.db_statement_timeout_ms}",
            # A vanished database host must not hold a request thread for hours (the OS default).
            **PG_DEAD_PEER_DETECTION,
        }
        options["pool_size"] = settings.db_pool_size
        options["max_overflow"] = settings.db_max_overflow
        options["pool_timeout"] = settings.db_pool_timeout
    return options


def configure_engine(engine: Engine) -> None:
    """Give SQLite foreign keys, WAL and write transactions that take the lock up front."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        # Autocommit at the driver level so that "begin" below decides how a transaction starts.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        # Overwrite deleted and replaced records with zeros, so a sealed plaintext is gone.
        cursor.execute("PRAGMA secure_delete=ON")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection) -> None:
        # A deferred transaction that reads and then writes fails at once with SQLITE_BUSY when
        # another writer got in between; IMMEDIATE waits for the lock (busy timeout) instead.
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _write_intent.get() else "BEGIN")


def release_sessions(app: Flask) -> None:
    """End each request's session even when the database dropped its connection meanwhile."""

    # Registered after Flask-SQLAlchemy's, so it runs first (Flask runs teardowns in reverse).
    @app.teardown_appcontext
    def _close(_error: BaseException | None) -> None:
        if not db.session.registry.has():
            return  # the request opened no session (health checks, static files)
        session = db.session()  # the request's own, behind the scoped proxy
        try:
            session.close()
        except DBAPIError:
            # The server ended the session (it stopped, or an operator terminated it): the
            # ROLLBACK failed, and raised from a teardown it would replace the request's answer
            # (a 200, or the 503 problem) with a bare 500 from the HTTP server.
            session.invalidate()


@contextmanager
def transaction() -> Iterator[Session]:
    """Run the block as one write transaction, or join the one the caller already runs."""
    session = db.session()  # the request's own session behind the scoped proxy
    if _in_transaction.get():
        yield session
        return
    if session.in_transaction():
        # A read earlier in the request left a snapshot open; a write starts from a fresh one.
        session.rollback()
    outer, write = _in_transaction.set(True), _write_intent.set(True)
    try:
        with session.begin():
            yield session
    finally:
        _write_intent.reset(write)
        _in_transaction.reset(outer)
        scrub = session.info.pop(_SCRUB, False)
    if scrub:
        _scrub(session)


_SCRUB = "tenant_config.scrub"


def scrub_after_commit(session: Session) -> None:
    """Ask for replaced pages to leave the database files once this transaction commits."""
    session.info[_SCRUB] = True


def _scrub(session: Session) -> None:
    """Checkpoint SQLite's write-ahead log and empty it: old page images hold replaced values.

    PostgreSQL keeps a replaced row until VACUUM removes it; no dump ever shows it.
    """
    if session.get_bind().dialect.name == "sqlite":
        with session.get_bind().connect() as connection:
            connection.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")


RACE_ATTEMPTS = 5
P = ParamSpec("P")
R = TypeVar("R")


class LostRace(Exception):
    """A write met a concurrent change that the database detected; running it again answers it."""


def is_transient_conflict(error: BaseException) -> bool:
    """Tell whether the database aborted a transaction for a race (deadlock, serialization)."""
    # SQLSTATE class 40 (psycopg's TransactionRollback): try the transaction again.
    return isinstance(error, OperationalError) and str(
        getattr(error.orig, "sqlstate", None) or ""
    ).startswith("40")


def violates_foreign_key(error: IntegrityError) -> bool:
    """Tell whether an insert or update named a row that is gone (a foreign key failed)."""
    orig = error.orig
    return (
        getattr(orig, "sqlstate", None) == "23503"
        or getattr(orig, "sqlite_errorname", None) == "SQLITE_CONSTRAINT_FOREIGNKEY"
    )


def retried(function: Callable[P, R]) -> Callable[P, R]:
    """Run a write again when it loses a race, so that it answers as if it had come second."""

    @functools.wraps(function)
    def run(*args: P.args, **kwargs: P.kwargs) -> R:
        if _in_transaction.get():
            return function(*args, **kwargs)  # the outer transaction decides
        for _attempt in range(RACE_ATTEMPTS):
            try:
                return function(*args, **kwargs)
            except (LostRace, StaleDataError, OperationalError) as error:
                if isinstance(error, OperationalError) and not is_transient_conflict(error):
                    raise
                log.info("write lost a race, trying again: %s", _cause(error))
        log.warning("write lost %d races in a row", RACE_ATTEMPTS)
        raise ConcurrentChange("The resource changed concurrently, again and again; try again.")

    return run


def _cause(error: BaseException) -> str:
    return type(getattr(error, "orig", None) or error).__name__
