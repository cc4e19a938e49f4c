"""Races through real HTTP: a threaded server, and calls released together by a barrier."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import requests

from tests.support.bodies import integration_body

# PostgreSQL runs transactions side by side, so races there need many rounds to show;
# SQLite takes its write lock up front (BEGIN IMMEDIATE), so a few rounds prove the answers.
T = TypeVar("T")
PG_ROUNDS = 20
SQLITE_ROUNDS = 4


class Api:
    """The calls a race test makes, each answered by the served app."""

    def __init__(self, base: str, headers: dict[str, str], tenant: str):
        self.base, self.headers, self.tenant = base, headers, tenant

    def call(self, method: str, path: str, **kwargs) -> requests.Response:
        headers = self.headers | kwargs.pop("headers", {})
        return requests.request(method, self.base + path, headers=headers, timeout=30, **kwargs)

    def integration(self) -> dict:
        body = integration_body(self.tenant, name="race")
        answer = self.call("POST", "/tenantintegrations", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def config(self, integration: dict, name: str, value: str = "start") -> dict:
        body = {"group": "g", "name": name, "value": value}
        answer = self.call("POST", f"/tenantintegrations/{integration['id']}/configs", json=body)
        assert answer.status_code == 201, answer.text
        return answer.json()

    def history(self, integration: dict) -> dict[str, list[dict]]:
        """Every history row of an integration's configs, per config, in version order."""
        path = f"/tenantintegrations/{integration['id']}/configs/versions"
        params = {"pageSort": "version", "pageSize": 100}
        answer = self.call("GET", path, params=params)
        assert answer.status_code == 200, answer.text
        assert answer.json()["page"]["totalPages"] <= 1
        rows: dict[str, list[dict]] = {}
        for row in answer.json()["content"]:
            rows.setdefault(row["tenantConfig"], []).append(row)
        return rows

    def race(self, *calls: tuple) -> list[requests.Response]:
        """Send every `(method, path, **kwargs)` at once (a barrier releases them); no 5xx."""
        answers = together(
            [
                functools.partial(self.call, method, path, **(options[0] if options else {}))
                for method, path, *options in calls
            ]
        )
        for answer in answers:
            assert answer.status_code < 500, answer.text
        return answers


def together(calls: list[Callable[[], T]]) -> list[T]:
    """Run every call at once (a barrier releases them) and return the answers in order."""
    barrier = threading.Barrier(len(calls))

    def run(call: Callable[[], T]) -> T:
        barrier.wait(timeout=10)
        return call()

    with ThreadPoolExecutor(len(calls)) as pool:
        return list(pool.map(run, calls))


def operations(rows: list[dict]) -> list[tuple[int, str]]:
    """The (version, operation) pairs of history rows."""
    return [(row["version"], row["operation"]) for row in rows]


def statuses(answers: list[requests.Response]) -> list[int]:
    return [answer.status_code for answer in answers]
