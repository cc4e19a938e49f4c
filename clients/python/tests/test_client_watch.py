"""Background watching: a change reaches the connector through the service's change waits."""

from __future__ import annotations

import threading
import time

import pytest
from partners import CONNECTOR

pytestmark = pytest.mark.slow


def test_a_change_is_called_back_through_a_wait(connect, partner):
    partner.set("messageLogEnabled", "true")
    client = connect()
    client.get(CONNECTOR, partner.id)
    changes = []
    changed = threading.Event()

    def on_change(result) -> None:
        changes.append(result)
        changed.set()

    watcher = client.watch(CONNECTOR, partner.id, on_change, wait=10, jitter=0.2)
    deadline = time.monotonic() + 5
    while client.stats().requests < 2 and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(0.3)  # the wait has reached the service, holding the ETag of the first read
    partner.set("messageLogEnabled", "false")

    assert changed.wait(10), "no change called back within 10 s"
    [result] = changes
    assert result["messageLogConfigs"]["messageLogEnabled"] is False
    assert watcher.current is result
    assert client.get(CONNECTOR, partner.id).etag == result.etag
    assert client.stats().not_modified == 1  # the read after the wait parsed nothing

    watcher.stop()
    assert not watcher.running


def test_a_watcher_of_nothing_held_calls_back_with_the_first_version(connect, partner):
    partner.set("messageLogRetentionDays", "12")
    client = connect()
    changed = threading.Event()
    seen = []

    watcher = client.watch(
        CONNECTOR, partner.id, lambda result: (seen.append(result), changed.set()), wait=5, jitter=0
    )

    assert changed.wait(10)
    assert seen[0]["messageLogConfigs"]["messageLogRetentionDays"] == 12
    client.close()
    assert not watcher.running
