"""Races through the admin UI over real HTTP: users saving, deleting and adding at the same
moment. Every loser gets a page that says what happened (409, or the 404 of a config deleted
meanwhile), never a 5xx, and the history holds exactly the winners' changes."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
import requests

from tenant_config.ui.login import DEV_SCOPES
from tests.support.in_process import served
from tests.support.races import together
from tests.ui.support import csrf_from, text_of

USERS = 4


@pytest.fixture
def ui_base(dev_app) -> Iterator[str]:
    """Serve the development app over real HTTP on a free loopback port."""
    with served(dev_app) as url:
        yield url


def sign_in(base: str, tenant: str, name: str) -> requests.Session:
    """Return a browser-like session signed in through the development login."""
    user = requests.Session()
    form = user.get(f"{base}/ui/login", timeout=10)
    answer = user.post(
        f"{base}/ui/login/dev",
        data={
            "csrf_token": csrf_from(form.text),
            "subject": name,
            "tenants": tenant,
            "scope": [scope for scope, _ in DEV_SCOPES],
        },
        timeout=10,
    )
    assert answer.status_code == 200, text_of(answer.text)
    return user


def post(user: requests.Session, url: str, data: dict):
    return lambda: user.post(url, data=data, allow_redirects=False, timeout=30)


def everyone_sends(users, forms, url: str, fields: Callable[[int], dict]) -> list:
    """Post every user's form (with its own CSRF token, and `fields(n)` for user n) at once."""
    return together(
        [
            post(user, url, {"csrf_token": csrf_from(form.text), **fields(n)})
            for n, (user, form) in enumerate(zip(users, forms, strict=True))
        ]
    )


@pytest.fixture
def users(ui_base, tenant) -> list[requests.Session]:
    return [sign_in(ui_base, tenant, f"user-{n}@example.com") for n in range(USERS)]


def test_simultaneous_saves_of_one_version_keep_one_and_show_the_rest_a_conflict(
    ui_base, users, integration, new_config, client, headers, rounds
):
    config = new_config(name="raceNote", group="notes", value="v")
    url = f"{ui_base}/ui/integrations/{integration['id']}/configs/{config['id']}/edit"
    for round_ in range(rounds):
        forms = [user.get(url, timeout=10) for user in users]
        version = str(round_)
        assert f'name="version" value="{version}"' in forms[0].text
        answers = everyone_sends(
            users,
            forms,
            url,
            lambda n, round_=round_, version=version: {
                "version": version,
                "group": "notes",
                "name": "raceNote",
                "value": f"r{round_}-u{n}",
                "reason": f"user {n}",
            },
        )
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [303] + [409] * (USERS - 1), [text_of(a.text)[:300] for a in answers]
        for answer in answers:
            if answer.status_code == 409:
                assert "Someone else changed this config meanwhile" in text_of(answer.text)
    path = f"/tenantintegrations/{integration['id']}/configs/{config['id']}/versions"
    history = client.get(path, query_string={"pageSize": 100}, headers=headers).get_json()
    assert history["page"]["totalElements"] == rounds + 1  # the create, and one win per round


def test_a_save_racing_a_delete_never_fails_the_server(
    ui_base, users, integration, new_config, rounds
):
    base = f"{ui_base}/ui/integrations/{integration['id']}/configs"
    editor, deleter = users[0], users[1]
    for round_ in range(rounds):
        config = new_config(name=f"gone{round_}", group="g", value="v")
        edit, delete = f"{base}/{config['id']}/edit", f"{base}/{config['id']}/delete"
        edit_form, delete_form = editor.get(edit, timeout=10), deleter.get(delete, timeout=10)
        saved, deleted = together(
            [
                post(
                    editor,
                    edit,
                    {
                        "csrf_token": csrf_from(edit_form.text),
                        "version": "0",
                        "group": "g",
                        "name": f"gone{round_}",
                        "value": "edited",
                    },
                ),
                post(deleter, delete, {"csrf_token": csrf_from(delete_form.text), "version": "0"}),
            ]
        )
        assert deleted.status_code in (302, 303, 409), text_of(deleted.text)[:300]
        # The save came first (a redirect), after the delete (the 404 page keeps the input), or
        # saw the delete's lock and the version it had left (409).
        assert saved.status_code in (302, 303, 404, 409), text_of(saved.text)[:300]
        if saved.status_code == 404:
            assert 'value="edited"' in saved.text or ">edited<" in saved.text


def test_simultaneous_adds_of_one_name_create_it_once(
    ui_base, users, integration, client, headers, rounds
):
    url = f"{ui_base}/ui/integrations/{integration['id']}/configs/new"
    for round_ in range(rounds):
        forms = [user.get(url, timeout=10) for user in users]
        answers = everyone_sends(
            users,
            forms,
            url,
            lambda n, round_=round_: {"group": "g", "name": f"twin{round_}", "value": f"u{n}"},
        )
        statuses = sorted(answer.status_code for answer in answers)
        assert statuses == [303] + [409] * (USERS - 1), [text_of(a.text)[:300] for a in answers]
    listed = client.get(
        f"/tenantintegrations/{integration['id']}/configs",
        query_string={"pageSize": 100},
        headers=headers,
    ).get_json()
    assert listed["page"]["totalElements"] == rounds
