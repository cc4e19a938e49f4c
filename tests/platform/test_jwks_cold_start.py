"""Fresh workers: concurrent first requests all wait for the one JWKS load and pass (no 503)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from tenant_config.platform import jwks
from tenant_config.platform.database import db
from tests.support.problems import LIST_URL, assert_problem, bearer
from tests.support.servers import TIMEOUT
from tests.support.tokens import TokenFactory

THREADS = 16


@pytest.fixture
def slow_idp(idp):
    """The fake IdP, answering each JWKS request only after 0.4 s."""
    idp.mode, idp.hang_seconds = "hang", 0.4
    return idp


def burst(app, tokens: list[str]) -> list[int]:
    """Send one request per token, all released at the same instant; return the statuses."""
    barrier = threading.Barrier(len(tokens))

    def one(token: str) -> int:
        client = app.test_client()
        barrier.wait()
        return client.get(LIST_URL, headers=bearer(token)).status_code

    with ThreadPoolExecutor(max_workers=len(tokens)) as pool:
        return list(pool.map(one, tokens))


@pytest.mark.parametrize("cooldown", [10, 0])
def test_concurrent_first_requests_wait_for_the_one_load(make_app, slow_idp, k1, cooldown):
    tokens = [TokenFactory(k1)() for _ in range(THREADS)]
    for round_number in range(1, 6):
        app = make_app(jwks_file="", jwks_url=slow_idp.url, jwks_refresh_cooldown_seconds=cooldown)
        try:
            assert burst(app, tokens) == [200] * THREADS
        finally:
            with app.app_context():
                db.engine.dispose()  # each fresh app has a pool of its own
        assert slow_idp.requests == round_number  # one load per fresh app, whatever the crowd


def test_first_requests_with_a_new_kid_wait_for_the_refresh(
    make_app, slow_idp, k1, k2, monkeypatch
):
    now = [1000.0]
    monkeypatch.setattr(jwks, "_now", lambda: now[0])
    app = make_app(jwks_file="", jwks_url=slow_idp.url)
    assert burst(app, [TokenFactory(k1)()]) == [200]
    slow_idp.keys = [k1, k2]  # the IdP rotates, well after the cooldown
    now[0] += 60
    statuses = burst(app, [TokenFactory(k2)() for _ in range(THREADS)])
    assert statuses == [200] * THREADS
    assert slow_idp.requests == 2


def test_a_failed_first_load_answers_every_waiter_503_after_one_attempt(
    make_app, idp, k1, monkeypatch
):
    monkeypatch.setattr(jwks, "FETCH_TIMEOUT_SECONDS", 0.5)
    idp.mode, idp.hang_seconds = "hang", 2
    app = make_app(jwks_file="", jwks_url=idp.url)
    started = time.monotonic()
    statuses = burst(app, [TokenFactory(k1)() for _ in range(THREADS)])
    assert statuses == [503] * THREADS
    assert time.monotonic() - started < 2.0  # they waited for one attempt, not one each
    assert idp.requests == 1
    assert_problem(app.test_client().get(LIST_URL, headers=bearer(TokenFactory(k1)())), 503)


@pytest.mark.slow
def test_gunicorn_workers_recycled_by_max_requests_never_answer_503(serve, slow_idp, k1):
    slow_idp.hang_seconds = 0.3
    server = serve(
        env={"TENANT_CONFIG_JWKS_FILE": "", "TENANT_CONFIG_JWKS_URL": slow_idp.url},
        WORKERS=2,
        MAX_REQUESTS=10,
        RATELIMIT_ENABLED="false",
    )
    headers = bearer(TokenFactory(k1)())
    statuses: list[int] = []
    for _ in range(20):
        barrier = threading.Barrier(12)

        def one(barrier: threading.Barrier = barrier) -> int:
            barrier.wait()
            return requests.get(server.url(LIST_URL), headers=headers, timeout=TIMEOUT).status_code

        with ThreadPoolExecutor(max_workers=12) as pool:
            statuses += [f.result() for f in [pool.submit(one) for _ in range(12)]]
    assert statuses == [200] * len(statuses), server.logs()[-3000:]
    # Workers were recycled (each new one loads the keys once): more loads than the first two.
    assert slow_idp.requests > 2
