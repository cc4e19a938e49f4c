"""Racing writers of one config get the documented answers, and history records every winner."""

from __future__ import annotations

import logging
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import psycopg
import pytest

from tests.support.races import operations, statuses

CONFLICT = "urn:tenant-config:problem:version-conflict"
PRECONDITION_FAILED = "urn:tenant-config:problem:precondition-failed"
NOT_FOUND = "urn:tenant-config:problem:not-found"


def path(integration: dict, config: dict) -> str:
    return f"/tenantintegrations/{integration['id']}/configs/{config['id']}"


def put(config: dict, value: str, **options) -> dict:
    return {"json": {"group": "g", "name": config["name"], "value": value}} | options


def assert_one_put_won(api, integration, config, values, answers, lost: int, kind: str) -> None:
    """One PUT of `values` stored version 1; each other got `lost` naming version 1; one row."""
    assert sorted(statuses(answers)) == [200, lost, lost, lost]
    winner = next(v for v, a in zip(values, answers, strict=True) if a.status_code == 200)
    for answer in answers:
        if answer.status_code == lost:
            assert answer.json()["type"] == kind
            assert answer.json()["currentVersion"] == 1
    stored = api.call("GET", path(integration, config)).json()
    assert (stored["version"], stored["value"]) == (1, winner)
    rows = api.history(integration)[config["id"]]
    assert operations(rows) == [(0, "CREATE"), (1, "UPDATE")]
    assert rows[1]["value"] == winner


def test_racing_deletes_of_a_config_leave_one_delete_row(api, rounds):
    integration = api.integration()
    for round_ in range(rounds):
        config = api.config(integration, f"c{round_}")
        answers = api.race(*[("DELETE", path(integration, config))] * 3)
        assert sorted(statuses(answers)) == [204, 404, 404]
        assert {a.json()["type"] for a in answers if a.status_code == 404} == {NOT_FOUND}
        rows = api.history(integration)[config["id"]]
        assert operations(rows) == [(0, "CREATE"), (1, "DELETE")]
        assert api.call("GET", path(integration, config)).status_code == 404


def test_racing_puts_with_the_same_body_version_let_one_win(api, rounds):
    integration = api.integration()
    for round_ in range(rounds):
        config = api.config(integration, f"c{round_}")
        values = [f"w{n}-{uuid.uuid4().hex[:6]}" for n in range(4)]
        answers = api.race(
            *[
                (
                    "PUT",
                    path(integration, config),
                    {"json": put(config, v)["json"] | {"version": 0}},
                )
                for v in values
            ]
        )
        assert_one_put_won(api, integration, config, values, answers, 409, CONFLICT)


def test_racing_if_match_puts_let_one_win_and_name_the_current_version(api, rounds):
    integration = api.integration()
    for round_ in range(rounds):
        config = api.config(integration, f"c{round_}")
        etag = api.call("GET", path(integration, config)).headers["ETag"]
        values = [f"w{n}" for n in range(4)]
        answers = api.race(
            *[
                ("PUT", path(integration, config), put(config, v, headers={"If-Match": etag}))
                for v in values
            ]
        )
        assert_one_put_won(api, integration, config, values, answers, 412, PRECONDITION_FAILED)


def test_a_put_racing_a_delete_is_recorded_before_it_or_answers_404(api, rounds):
    integration = api.integration()
    for round_ in range(rounds):
        config = api.config(integration, f"c{round_}")
        value = f"put-{round_}"
        changed, deleted = api.race(
            (
                "PUT",
                path(integration, config),
                {"json": put(config, value)["json"] | {"version": 0}},
            ),
            ("DELETE", path(integration, config)),
        )
        rows = api.history(integration)[config["id"]]
        assert deleted.status_code == 204, deleted.text
        if changed.status_code == 200:
            assert operations(rows) == [(0, "CREATE"), (1, "UPDATE"), (2, "DELETE")]
            assert rows[1]["value"] == rows[2]["value"] == value
        else:
            assert changed.status_code == 404, changed.text
            assert changed.json()["type"] == NOT_FOUND
            assert operations(rows) == [(0, "CREATE"), (1, "DELETE")]
            assert rows[1]["value"] == "start"
        assert api.call("GET", path(integration, config)).status_code == 404


def test_an_if_match_delete_racing_an_if_match_put_lets_one_win(api, rounds):
    integration = api.integration()
    for round_ in range(rounds):
        config = api.config(integration, f"c{round_}")
        etag = {"If-Match": api.call("GET", path(integration, config)).headers["ETag"]}
        changed, deleted = api.race(
            ("PUT", path(integration, config), put(config, "put", headers=etag)),
            ("DELETE", path(integration, config), {"headers": etag}),
        )
        rows = api.history(integration)[config["id"]]
        if changed.status_code == 200:
            assert deleted.status_code == 412, deleted.text
            assert deleted.json()["currentVersion"] == 1
            assert operations(rows) == [(0, "CREATE"), (1, "UPDATE")]
            assert api.call("GET", path(integration, config)).json()["value"] == "put"
        else:
            assert (changed.status_code, deleted.status_code) == (404, 204), changed.text
            assert operations(rows) == [(0, "CREATE"), (1, "DELETE")]


def test_a_deadlock_is_tried_again_not_reported_as_an_outage(api, database_url, caplog):
    """A create deadlocks with another session; PostgreSQL aborts the create, which runs again."""
    if not database_url.startswith("postgresql"):
        pytest.skip("deadlocks are PostgreSQL's: SQLite takes one write lock up front")
    integration = api.integration()
    dsn = database_url.replace("postgresql+psycopg://", "postgresql://")
    caplog.set_level(logging.INFO)
    with psycopg.connect(dsn) as other, ThreadPoolExecutor(1) as pool:
        # The other session holds the name the create wants, so the create waits on it...
        other.execute("SET deadlock_timeout = '20s'")  # ...and the create sees the deadlock
        now = datetime.now(UTC)
        other.execute(
            "INSERT INTO tenant_configs (id, integration_id, group_name, name, sensitive, "
            "version, created_at, updated_at, created_by, updated_by) "
            "VALUES (%s, %s, 'g', 'wanted', false, 0, %s, %s, 'other', 'other')",
            (uuid.uuid4(), integration["id"], now, now),
        )
        configs = f"/tenantintegrations/{integration['id']}/configs"
        created = pool.submit(api.call, "POST", configs, json={"group": "g", "name": "wanted"})
        wait_for_lock_waiters(other, 1)
        # ...then wants the integration row the create holds (shared): a cycle.
        other.execute(
            "SELECT id FROM tenant_integrations WHERE id = %s FOR UPDATE", (integration["id"],)
        )
        other.rollback()
        answer = created.result(timeout=30)
    assert answer.status_code == 201, answer.text
    assert "write lost a race, trying again: DeadlockDetected" in caplog.text
    assert "database unavailable" not in caplog.text
    rows = api.history(integration)[answer.json()["id"]]
    assert operations(rows) == [(0, "CREATE")]


def wait_for_lock_waiters(connection, count: int) -> None:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        waiting = connection.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock' "
            "AND datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchone()[0]
        if waiting >= count:
            return
        time.sleep(0.01)
    raise TimeoutError("the create never waited on a lock")
