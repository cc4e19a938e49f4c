"""A writer who may not read a secret cannot test a guess of it by watching the version."""

from __future__ import annotations

from tests.support.urls import configs_url as url


def put(client, headers, integration, config, version, value, **fields):
    same = {k: config[k] for k in ("group", "name", "label", "description")}
    body = same | {"value": value, "sensitive": True} | fields
    answer = client.put(url(integration, config), json=body | {"version": version}, headers=headers)
    assert answer.status_code == 200, answer.get_json()
    return answer


def history(client, sensitive_headers, integration, config) -> list[tuple[int, str, str]]:
    rows = client.get(
        f"{url(integration)}/versions?pageSort=version&name={config['name']}",
        headers=sensitive_headers,
    ).get_json()["content"]
    return [(r["version"], r["operation"], r["value"]) for r in rows]


def test_a_right_and_a_wrong_guess_both_make_a_new_version(
    client, headers, sensitive_headers, integration, new_config
):
    config = new_config(name="apiKey", group="g", value="the-secret", sensitive=True)
    right = put(client, headers, integration, config, 0, "the-secret")
    wrong = put(client, headers, integration, config, 1, "a-wrong-guess")
    again = put(client, headers, integration, config, 2, "a-wrong-guess")
    assert [a.get_json()["version"] for a in (right, wrong, again)] == [1, 2, 3]
    assert {a.get_json()["value"] for a in (right, wrong, again)} == {"********"}
    assert len({a.headers["ETag"] for a in (right, wrong, again)}) == 3
    assert history(client, sensitive_headers, integration, config) == [
        (0, "CREATE", "the-secret"),
        (1, "UPDATE", "the-secret"),
        (2, "UPDATE", "a-wrong-guess"),
        (3, "UPDATE", "a-wrong-guess"),
    ]


def test_a_reader_of_secrets_still_keeps_the_version_for_the_same_value(
    client, sensitive_headers, integration, new_config
):
    config = new_config(name="apiKey", group="g", value="the-secret", sensitive=True)
    same = put(client, sensitive_headers, integration, config, 0, "the-secret")
    assert same.get_json()["version"] == 0
    assert history(client, sensitive_headers, integration, config) == [(0, "CREATE", "the-secret")]


def test_the_mask_keeps_the_version_for_every_caller(
    client, headers, sensitive_headers, integration, new_config
):
    config = new_config(name="apiKey", group="g", value="the-secret", sensitive=True)
    kept = put(client, headers, integration, config, 0, "********")
    assert kept.get_json()["version"] == 0
    assert history(client, sensitive_headers, integration, config) == [(0, "CREATE", "the-secret")]
