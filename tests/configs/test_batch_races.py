"""Batches racing on the same configs: one wins, the other is refused or reruns; no 5xx."""

from __future__ import annotations

from tests.support.batches import body


def test_racing_batches_on_one_config_let_one_win_and_undo_the_other(api, rounds):
    integration = api.integration()
    path = f"/tenantintegrations/{integration['id']}/configs"
    for round_ in range(rounds):
        config = api.config(integration, f"c{round_}")
        etag = api.call("GET", f"{path}/{config['id']}").headers["ETag"]
        # Even rounds expect a version (409 for the loser), odd rounds an ETag (412).
        expect = {"expectedVersion": 0} if round_ % 2 == 0 else {"ifMatch": etag}
        values = [f"w{n}-{round_}" for n in range(2)]
        batches = [
            [
                {"op": "create", "body": body(f"new-{round_}-{n}")},
                {"op": "update", "id": config["id"], **expect, "body": body(config["name"], v)},
            ]
            for n, v in enumerate(values)
        ]
        answers = api.race(
            *[("POST", f"{path}/batch", {"json": {"operations": b}}) for b in batches]
        )
        loser_status = 409 if round_ % 2 == 0 else 412
        assert sorted(a.status_code for a in answers) == [200, loser_status]
        won = next(n for n, a in enumerate(answers) if a.status_code == 200)
        lost = answers[1 - won].json()
        assert list(lost["errors"]["operations"]) == ["1"]
        assert lost["errors"]["operations"]["1"]["currentVersion"] == 1
        stored = api.call("GET", f"{path}/{config['id']}").json()
        assert (stored["version"], stored["value"]) == (1, values[won])
        names = {
            c["name"] for c in api.call("GET", path, params={"pageSize": 100}).json()["content"]
        }
        assert f"new-{round_}-{won}" in names
        assert f"new-{round_}-{1 - won}" not in names
        history = api.history(integration)
        assert [(r["version"], r["operation"]) for r in history[config["id"]]] == [
            (0, "CREATE"),
            (1, "UPDATE"),
        ]
        assert history[config["id"]][1]["value"] == values[won]
        assert (
            sum(1 for rows in history.values() if rows[0]["name"].startswith("new-")) == round_ + 1
        )


def test_racing_skip_copies_of_one_name_create_it_once_and_skip_it_once(api, rounds):
    integration = api.integration()
    path = f"/tenantintegrations/{integration['id']}/configs"
    for round_ in range(rounds):
        name = f"shared-{round_}"
        ops = [{"op": "create", "body": body(name, f"from-{n}")} for n in range(2)]
        answers = api.race(
            *[
                ("POST", f"{path}/batch?onConflict=skip", {"json": {"operations": [op]}})
                for op in ops
            ]
        )
        assert [a.status_code for a in answers] == [200, 200]
        outcomes = sorted(a.json()["results"][0]["outcome"] for a in answers)
        assert outcomes == ["created", "skipped"]
        created = next(a for a in answers if a.json()["results"][0]["outcome"] == "created")
        listed = api.call("GET", path, params={"name": name}).json()["content"]
        assert [(c["name"], c["value"], c["version"]) for c in listed] == [
            (name, created.json()["results"][0]["config"]["value"], 0)
        ]
        rows = api.history(integration)[listed[0]["id"]]
        assert [(r["version"], r["operation"]) for r in rows] == [(0, "CREATE")]
