"""A connection PostgreSQL drops during a request never turns the request's answer into a 500.

The server ends sessions when it stops ("fast" shutdown) or an operator terminates them; the
request's session then cannot roll back at its end, and that failure must not escape Flask.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import psycopg
import pytest
from sqlalchemy import event

from tenant_config.platform.database import db
from tests.support.bodies import integration_body


@pytest.fixture
def pg_app(make_app, database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's: SQLite has no server to drop the connection")
    return make_app()


def terminate_after(app, database_url: str, statement: str) -> Callable[[], list[int]]:
    """Terminate the backend that runs the first statement containing `statement`, once."""
    terminated: list[int] = []
    admin_url = database_url.replace("postgresql+psycopg", "postgresql")

    def kill(connection, _cursor, sql: str, *_args) -> None:
        if terminated or statement not in sql:
            return
        pid = connection.connection.dbapi_connection.info.backend_pid
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
            deadline = time.monotonic() + 10
            while admin.execute("SELECT 1 FROM pg_stat_activity WHERE pid = %s", (pid,)).fetchone():
                assert time.monotonic() < deadline, "the backend outlived pg_terminate_backend"
                time.sleep(0.01)
        terminated.append(pid)

    with app.app_context():
        event.listen(db.engine, "after_cursor_execute", kill)
    return lambda: terminated


def test_a_read_whose_connection_is_dropped_still_answers(pg_app, database_url, make_token, tenant):
    client = pg_app.test_client()
    headers = {"Authorization": f"Bearer {make_token(tenants=[tenant])}"}
    body = integration_body(tenant, name="dropped")
    created = client.post("/tenantintegrations", json=body, headers=headers)
    assert created.status_code == 201, created.get_json()
    url = f"/tenantintegrations/{created.get_json()['id']}"
    terminated = terminate_after(pg_app, database_url, "FROM tenant_integrations")

    # The integration was read before its backend ended: the answer stands, and the session's
    # end (a ROLLBACK on a closed socket) is not allowed to replace it with a 500.
    answer = client.get(url, headers=headers)
    assert terminated(), "no statement read tenant_integrations"
    assert answer.status_code == 200, answer.get_json()
    assert answer.get_json()["name"] == "dropped"
    # The pool let the dead connection go: the next request is served at once.
    assert client.get(url, headers=headers).status_code == 200
