"""An integration's cascade racing writes under it, and racing writers of the integration."""

from __future__ import annotations

from tests.support.races import operations, statuses

CONFLICT = "urn:tenant-config:problem:version-conflict"
NOT_FOUND = "urn:tenant-config:problem:not-found"
CASCADE = {"params": {"cascade": "true"}}


def path(integration: dict) -> str:
    return f"/tenantintegrations/{integration['id']}"


def test_a_cascade_racing_creates_updates_and_deletes_loses_no_acknowledged_write(api, rounds):
    for _ in range(rounds):
        integration = api.integration()
        kept, updated, deleted = (api.config(integration, name) for name in ("a", "b", "c"))
        configs = f"{path(integration)}/configs"
        answers = api.race(
            ("DELETE", path(integration), CASCADE),
            *[("POST", configs, {"json": {"group": "g", "name": f"new{n}"}}) for n in range(3)],
            (
                "PUT",
                f"{configs}/{updated['id']}",
                {"json": {"group": "g", "name": "b", "value": "changed", "version": 0}},
            ),
            ("DELETE", f"{configs}/{deleted['id']}"),
        )
        cascade, *creates, update, delete = answers
        assert cascade.status_code == 204, cascade.text
        for answer in creates:
            assert answer.status_code in (201, 404), answer.text
            if answer.status_code == 404:
                assert answer.json()["type"] == NOT_FOUND
        assert update.status_code in (200, 404), update.text
        assert delete.status_code in (204, 404), delete.text
        assert api.call("GET", path(integration)).status_code == 404

        history = api.history(integration)
        created = {a.json()["id"] for a in creates if a.status_code == 201}
        assert set(history) == {kept["id"], updated["id"], deleted["id"], *created}
        for config_id in created | {kept["id"], deleted["id"]}:
            assert operations(history[config_id]) == [(0, "CREATE"), (1, "DELETE")]
        if update.status_code == 200:
            rows = history[updated["id"]]
            assert operations(rows) == [(0, "CREATE"), (1, "UPDATE"), (2, "DELETE")]
            assert rows[2]["value"] == "changed"
        else:
            assert operations(history[updated["id"]]) == [(0, "CREATE"), (1, "DELETE")]


def test_racing_deletes_of_an_integration_answer_404_to_the_losers(api, rounds):
    for _ in range(rounds):
        integration = api.integration()
        api.config(integration, "a")
        answers = api.race(*[("DELETE", path(integration), CASCADE)] * 3)
        assert sorted(statuses(answers)) == [204, 404, 404]
        for answer in answers[1:]:
            if answer.status_code == 404:
                assert answer.json()["type"] == NOT_FOUND
        [rows] = api.history(integration).values()
        assert operations(rows) == [(0, "CREATE"), (1, "DELETE")]


def body(integration: dict, **changes) -> dict:
    fields = ("name", "client", "tenant", "partnerTenant", "connector")
    return {field: integration[field] for field in fields} | changes


def test_racing_integration_puts_with_the_same_version_let_one_win(api, rounds):
    for _ in range(rounds):
        integration = api.integration()
        names = [f"name-{n}" for n in range(4)]
        answers = api.race(
            *[
                ("PUT", path(integration), {"json": body(integration, name=n, version=0)})
                for n in names
            ]
        )
        assert sorted(statuses(answers)) == [200, 409, 409, 409]
        winner = next(n for n, a in zip(names, answers, strict=True) if a.status_code == 200)
        for answer in answers:
            if answer.status_code == 409:
                assert answer.json()["type"] == CONFLICT
                assert answer.json()["currentVersion"] == 1
        stored = api.call("GET", path(integration)).json()
        assert (stored["version"], stored["name"]) == (1, winner)


def test_an_integration_put_racing_its_delete_is_404_or_lands_first(api, rounds):
    for _ in range(rounds):
        integration = api.integration()
        config = api.config(integration, "a")
        put, delete = api.race(
            ("PUT", path(integration), {"json": body(integration, name="renamed", version=0)}),
            ("DELETE", path(integration), CASCADE),
        )
        assert delete.status_code == 204, delete.text
        [rows] = api.history(integration).values()
        assert operations(rows) == [(0, "CREATE"), (1, "DELETE")]
        if put.status_code == 200:
            assert rows[1]["integrationName"] == "renamed"
        else:
            assert put.status_code == 404, put.text
            assert rows[1]["integrationName"] == "race"
        assert config["integrationName"] == "race"
