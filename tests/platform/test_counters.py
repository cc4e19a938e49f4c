"""Change counters: counted at a writer's commit, and read by many requests at once."""

from __future__ import annotations

import threading
import uuid
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy.orm import Session

from tenant_config.platform.changes import announce
from tenant_config.platform.counters import EXTENSION
from tenant_config.platform.database import db

WRITES, READERS, READS_EACH = 40, 8, 150


def count(engine, key: str) -> None:
    """Commit a change of `key`, as a writer does."""
    with Session(engine) as session, session.begin():
        announce(session, key)


def test_a_rolled_back_change_counts_nothing(app):
    key = f"test\x1f{uuid.uuid4()}"
    with app.app_context():
        engine, reader = db.engine, app.extensions[EXTENSION]
    with Session(engine) as session:
        session.begin()
        announce(session, key)
        session.rollback()
    assert reader.read(key, "none") == (0, 0)
    count(engine, key)
    count(engine, key)
    assert reader.read(key, "none") == (2, 0)


def test_reads_at_once_share_statements_and_never_miss_a_committed_write(app, database_url):
    """Each read sees at least every change committed before it began."""
    key = f"test\x1f{uuid.uuid4()}"
    with app.app_context():
        engine, reader = db.engine, app.extensions[EXTENSION]
    committed = [0]
    statements = []
    run = reader._run

    def counted_run(keys):
        statements.append(len(keys))
        return run(keys)

    def write() -> None:
        for number in range(1, WRITES + 1):
            count(engine, key)
            committed[0] = number

    def read() -> list[tuple[int, int]]:
        seen = []
        for _ in range(READS_EACH):
            before = committed[0]
            found = reader.read(key, f"other\x1f{threading.get_ident()}")
            seen.append((before, found[0]))
        return seen

    reader._run = counted_run
    try:
        with ThreadPoolExecutor(READERS + 1) as pool:
            writer = pool.submit(write)
            readers = [pool.submit(read) for _ in range(READERS)]
            seen = [pair for r in readers for pair in r.result(timeout=120)]
            writer.result(timeout=120)
    finally:
        del reader._run
    assert [(before, found) for before, found in seen if found < before] == []
    assert reader.read(key, "none") == (WRITES, 0)
    if database_url.startswith("postgresql"):  # SQLite answers in-process, rarely overlapping
        assert len(statements) < READERS * READS_EACH
        assert max(statements) > 2  # one statement held the keys of several requests
