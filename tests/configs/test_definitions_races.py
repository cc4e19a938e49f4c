"""A config write racing a definition change: the stored value always satisfies the definition."""

from __future__ import annotations

from tests.support.bodies import integration_body
from tests.support.catalog import ADMIN_SCOPE, own_connector
from tests.support.races import statuses
from tests.support.tokens import ALL_SCOPES


def test_a_value_and_a_stricter_definition_never_both_win(api, client, make_token, rounds):
    parameters = [{"name": f"p{n}", "type": "integer", "maximum": 100} for n in range(rounds)]
    code = own_connector(client, make_token, *parameters)
    answer = api.call(
        "POST", "/tenantintegrations", json=integration_body(api.tenant, connector=code)
    )
    assert answer.status_code == 201, answer.text
    integration = answer.json()
    configs = f"/tenantintegrations/{integration['id']}/configs"
    admin = {"Authorization": f"Bearer {make_token(scopes=[ADMIN_SCOPE, *ALL_SCOPES])}"}
    for parameter in parameters:
        name = parameter["name"]
        config = api.call("POST", configs, json={"name": name, "value": "5"}).json()
        stricter = {"group": "settings", **parameter, "maximum": 10, "version": 0}
        answers = api.race(
            (
                "PUT",
                f"{configs}/{config['id']}",
                {"json": {"name": name, "value": "50", "version": 0}},
            ),
            ("PUT", f"/connectors/{code}/parameters/{name}", {"json": stricter, "headers": admin}),
        )
        assert sorted(statuses(answers)) in ([200, 409], [200, 422]), [a.text for a in answers]
        if answers[0].status_code == 200:
            assert answers[1].json()["type"].endswith("invalidates-configs")
        else:
            assert answers[0].json()["errors"] == {"value": ["Must be at most 10."]}
    report = api.call("GET", f"{configs}/validation").json()
    assert (report["valid"], report["invalid"]) == (True, [])
