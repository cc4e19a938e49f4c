"""No lost update: concurrent writers through real HTTP, on each backend."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import requests

WRITERS = 8
WRITES_EACH = 6


def test_concurrent_if_match_writers_lose_no_update(race_server, headers, integration, new_config):
    config = new_config(name="counter", value="start")
    url = f"{race_server}/tenantintegrations/{integration['id']}/configs/{config['id']}"

    def writer(number: int) -> list[str]:
        written = []
        with requests.Session() as http:
            http.headers.update(headers)
            for attempt in range(WRITES_EACH * 20):
                if len(written) == WRITES_EACH:
                    break
                current = http.get(url, timeout=10)
                value = f"w{number}-{len(written)}-a{attempt}"
                body = {"group": "g", "name": "counter", "value": value}
                answer = http.put(
                    url, json=body, headers={"If-Match": current.headers["ETag"]}, timeout=10
                )
                assert answer.status_code in (200, 412), answer.text
                if answer.status_code == 200:
                    written.append(value)
        return written

    with ThreadPoolExecutor(WRITERS) as pool:
        results = list(pool.map(writer, range(WRITERS)))
    successes = [value for values in results for value in values]

    final = requests.get(url, headers=headers, timeout=10).json()
    assert final["version"] == len(successes) == WRITERS * WRITES_EACH
    versions_url = f"{race_server}/tenantintegrations/{integration['id']}/configs/versions"
    rows, page = [], 0
    while True:
        answer = requests.get(
            versions_url,
            params={"name": "counter", "pageSort": "version", "pageSize": 100, "pageNumber": page},
            headers=headers,
            timeout=10,
        ).json()
        rows += answer["content"]
        page += 1
        if page >= answer["page"]["totalPages"]:
            break
    assert [row["version"] for row in rows] == list(range(len(successes) + 1))
    assert sorted(row["value"] for row in rows[1:]) == sorted(successes)


def test_the_same_if_match_wins_exactly_once(race_server, headers, integration, new_config):
    config = new_config(name="race", value="start")
    url = f"{race_server}/tenantintegrations/{integration['id']}/configs/{config['id']}"
    etag = requests.get(url, headers=headers, timeout=10).headers["ETag"]
    barrier = threading.Barrier(WRITERS)

    def put(number: int) -> int:
        body = {"group": "g", "name": "race", "value": f"racer-{number}"}
        barrier.wait(timeout=10)
        answer = requests.put(url, json=body, headers=headers | {"If-Match": etag}, timeout=10)
        return answer.status_code

    with ThreadPoolExecutor(WRITERS) as pool:
        statuses = sorted(pool.map(put, range(WRITERS)))
    assert statuses == [200] + [412] * (WRITERS - 1)
    assert requests.get(url, headers=headers, timeout=10).json()["version"] == 1
