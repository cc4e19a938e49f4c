"""The rate limit's window slides: the end of one window still counts at the start of the next."""

from __future__ import annotations

from tenant_config.operations import ratelimit


def test_requests_at_the_end_of_a_window_still_count_after_the_boundary(
    limited_app, headers, clock
):
    client = limited_app(ratelimit="3/minute").test_client()

    def status() -> int:
        return client.get("/tenantintegrations", headers=headers).status_code

    clock.now += 59  # the last second of a minute
    assert [status() for _ in range(4)] == [200, 200, 200, 429]
    clock.now += 2  # one second into the next minute: a fixed window would allow 3 again
    assert [status(), status()] == [200, 429]
    clock.now += 30  # 29 s of the first minute overlap: 3 x 29/60 counts 1, plus 1 made
    assert [status(), status()] == [200, 429]
    clock.now += 60  # the 2 of the second minute weigh 2 x 29/60, under 1: 3 pass
    assert [status() for _ in range(4)] == [200, 200, 200, 429]


def test_counters_of_callers_gone_quiet_are_dropped(limited_app, headers, clock):
    """A worker's memory holds the counters of recent callers only, however many came before."""
    app = limited_app(ratelimit="3/minute")
    client = app.test_client()
    counters = app.extensions[ratelimit.EXTENSION].memory.storage.storage
    for n in range(50):
        client.get("/tenantintegrations", environ_base={"REMOTE_ADDR": f"192.0.2.{n}"})
    assert len(counters) == 50

    clock.now += 121  # each counter lives two windows
    assert client.get("/tenantintegrations", headers=headers).status_code == 200

    assert len(counters) == 1
