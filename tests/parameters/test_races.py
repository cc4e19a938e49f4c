"""Racing writers of one definition: exactly one wins, and history records only the winner."""

from __future__ import annotations

import uuid

from tests.support.races import statuses
from tests.support.tokens import ALL_SCOPES

ADMIN = "ConnTenantConfigApi:Admin"


def definition(name: str, maximum: int) -> dict:
    return {"group": "g", "name": name, "type": "integer", "maximum": maximum}


def history(api, admin, url: str) -> list[tuple[int, str, int | None]]:
    answer = api.call("GET", f"{url}/versions?pageSort=version&pageSize=100", headers=admin)
    assert answer.status_code == 200, answer.text
    return [(r["version"], r["operation"], r["maximum"]) for r in answer.json()["content"]]


def test_racing_puts_of_one_definition_let_exactly_one_win(api, rounds, make_token):
    admin = {"Authorization": f"Bearer {make_token(scopes=[ADMIN, *ALL_SCOPES])}"}
    code = f"TEST_{uuid.uuid4().hex[:12].upper()}"
    created = api.call("PUT", f"/connectors/{code}", json={"displayName": "race"}, headers=admin)
    assert created.status_code == 201, created.text
    for round_ in range(rounds):
        name = f"p{round_}"
        url = f"/connectors/{code}/parameters/{name}"
        made = api.call(
            "POST", f"/connectors/{code}/parameters", json=definition(name, 1), headers=admin
        )
        assert made.status_code == 201, made.text
        etag = made.headers["ETag"]
        by_etag = round_ % 2 == 0
        calls = []
        for maximum in (10, 20):
            body = definition(name, maximum)
            headers = admin | {"If-Match": etag} if by_etag else admin
            calls.append(
                (
                    "PUT",
                    url,
                    {"json": body if by_etag else body | {"version": 0}, "headers": headers},
                )
            )
        answers = api.race(*calls)
        lost = 412 if by_etag else 409
        assert sorted(statuses(answers)) == [200, lost], [a.text for a in answers]
        winner = next(a.json() for a in answers if a.status_code == 200)
        loser = next(a.json() for a in answers if a.status_code == lost)
        assert loser["currentVersion"] == 1
        stored = api.call("GET", url, headers=admin).json()
        assert (stored["version"], stored["maximum"]) == (1, winner["maximum"])
        assert history(api, admin, url) == [(0, "CREATE", 1), (1, "UPDATE", winner["maximum"])]


def test_racing_creates_of_one_name_define_it_once(api, rounds, make_token):
    admin = {"Authorization": f"Bearer {make_token(scopes=[ADMIN, *ALL_SCOPES])}"}
    code = f"TEST_{uuid.uuid4().hex[:12].upper()}"
    created = api.call("PUT", f"/connectors/{code}", json={"displayName": "race"}, headers=admin)
    assert created.status_code == 201, created.text
    for round_ in range(rounds):
        name = f"p{round_}"
        post = ("POST", f"/connectors/{code}/parameters")
        answers = api.race(
            *[(*post, {"json": definition(name, m), "headers": admin}) for m in (10, 20, 30)]
        )
        assert sorted(statuses(answers)) == [201, 409, 409], [a.text for a in answers]
        for answer in answers:
            if answer.status_code == 409:
                assert answer.json()["type"] == "urn:tenant-config:problem:duplicate"
        winner = next(a.json() for a in answers if a.status_code == 201)
        url = f"/connectors/{code}/parameters/{name}"
        assert history(api, admin, url) == [(0, "CREATE", winner["maximum"])]
