"""Key rotation, start to end, on a database of its own: A -> B,A -> rotate -> B alone."""

from __future__ import annotations

import threading
import uuid

import pytest

from tenant_config.platform.encryption.keyring import Keyring
from tests.support.settings import assert_key_id, new_key
from tests.support.tokens import SENSITIVE_SCOPES


class Tenant:
    """An API caller on one app: creates an integration and configs, reads everything back."""

    def __init__(self, app, token: str):
        self.client = app.test_client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def on(self, app) -> Tenant:
        other = Tenant.__new__(Tenant)
        other.client, other.headers = app.test_client(), self.headers
        return other

    def request(self, method: str, url: str, **kwargs):
        return self.client.open(url, method=method, headers=self.headers, **kwargs)


def populate(api: Tenant, tenant: str) -> str:
    """Create configs with history (sensitive, plain, changed, deleted); return the base URL."""
    integration = api.request(
        "POST",
        "/tenantintegrations",
        json={
            "name": "rotation",
            "client": str(uuid.uuid4()),
            "tenant": tenant,
            "partnerTenant": str(uuid.uuid4()),
            "connector": "SAPTAX_OSERIES",
        },
    ).get_json()
    base = f"/tenantintegrations/{integration['id']}/configs"
    for number in range(5):
        body = {"group": "g", "name": f"secret{number}", "value": f"v{number}", "sensitive": True}
        config = api.request("POST", base, json=body).get_json()
        if number % 2:
            body |= {"value": f"v{number}-changed", "version": 0}
            assert api.request("PUT", f"{base}/{config['id']}", json=body).status_code == 200
        if number == 4:
            assert api.request("DELETE", f"{base}/{config['id']}").status_code == 204
    api.request("POST", base, json={"group": "g", "name": "plain", "value": "p"})
    return base


def everything(api: Tenant, base: str) -> dict:
    """Every config (value, version, ETag, updatedAt) and history row as the API answers them."""
    configs = api.request("GET", base).get_json()["content"]
    versions = api.request("GET", f"{base}/versions?pageSize=100").get_json()["content"]
    etags = {c["id"]: api.request("GET", f"{base}/{c['id']}").headers["ETag"] for c in configs}
    return {
        "configs": sorted(
            (c["name"], c["value"], c["version"], etags[c["id"]], c["updatedAt"]) for c in configs
        ),
        "history": sorted((v["name"], v["version"], v["value"]) for v in versions),
    }


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["secrets", *args])


def primary_id(app) -> str:
    """The id `secrets status` gives the app's primary key."""
    rows = status_rows(cli(app, "status").output)
    [kid] = [kid for kid, row in rows.items() if row[2].startswith("primary")]
    return kid


def status_rows(output: str) -> dict[str, tuple[int, int, str]]:
    rows = {}
    for line in output.splitlines()[1:]:
        parts = line.split(maxsplit=3)
        if len(parts) == 4 and parts[1].isdigit():
            rows[parts[0]] = (int(parts[1]), int(parts[2]), parts[3])
    return rows


def test_rotation_cycle_keeps_every_value_version_and_etag(fresh_app, make_token, tenant):
    key_a, key_b = new_key(), new_key()
    app_a = fresh_app(fernet_keys=(key_a,))
    id_a, id_b = primary_id(app_a), primary_id(fresh_app(fernet_keys=(key_b,)))
    assert_key_id(id_a, key_a)
    assert_key_id(id_b, key_b)
    assert id_a != id_b
    api = Tenant(app_a, make_token(scopes=SENSITIVE_SCOPES, tenants=[tenant]))
    base = populate(api, tenant)
    before = everything(api, base)
    assert before["configs"][2][:3] == ("secret1", "v1-changed", 1)

    app_ba = fresh_app(fernet_keys=(key_b, key_a))
    status = cli(app_ba, "status")
    assert status.exit_code == 0, status.output
    # 4 live sensitive configs; history: 5 CREATE + 2 UPDATE + 1 DELETE.
    assert status_rows(status.output) == {
        id_b: (0, 0, "primary (encrypts)"),
        id_a: (4, 8, "configured (decrypts only)"),
    }
    assert "12 ciphertexts not made by the primary key" in status.output

    rotated = cli(app_ba, "rotate", "--batch-size", "3")
    assert rotated.exit_code == 0, rotated.output
    assert "configs: rotated 4, changed meanwhile 0, unreadable 0" in rotated.output
    assert "history: rotated 8, changed meanwhile 0, unreadable 0" in rotated.output
    again = cli(app_ba, "rotate")
    assert "configs: rotated 0" in again.output
    assert "history: rotated 0" in again.output

    app_b = fresh_app(fernet_keys=(key_b,))
    status = cli(app_b, "status")
    assert status.exit_code == 0, status.output
    assert status_rows(status.output) == {id_b: (4, 8, "primary (encrypts)")}
    assert "every ciphertext was made by the primary key" in status.output
    assert everything(api.on(app_b), base) == before


def test_a_retired_key_still_in_use_is_flagged_and_nothing_changes(fresh_app, make_token, tenant):
    key_a, key_b = new_key(), new_key()
    app_a = fresh_app(fernet_keys=(key_a,))
    api = Tenant(app_a, make_token(scopes=SENSITIVE_SCOPES, tenants=[tenant]))
    base = populate(api, tenant)
    before = everything(api, base)

    id_a = primary_id(app_a)
    app_b = fresh_app(fernet_keys=(key_b,))
    status = cli(app_b, "status")
    assert status.exit_code == 1
    assert id_a in status.output
    assert "NOT CONFIGURED" in status.output
    rotated = cli(app_b, "rotate")
    assert rotated.exit_code == 1
    assert f"configs: rotated 0, changed meanwhile 0, unreadable 4 ({id_a}: 4)" in (rotated.output)
    assert everything(api, base) == before


def test_an_interrupted_rotation_finishes_when_run_again(
    fresh_app, make_token, tenant, monkeypatch
):
    key_a, key_b = new_key(), new_key()
    api = Tenant(
        fresh_app(fernet_keys=(key_a,)), make_token(scopes=SENSITIVE_SCOPES, tenants=[tenant])
    )
    base = populate(api, tenant)
    before = everything(api, base)
    app_ba = fresh_app(fernet_keys=(key_b, key_a))
    opened = Keyring.open
    calls = []

    def crash_on_the_third(self, sealed, owner):
        calls.append(owner)
        if len(calls) == 3:
            raise KeyboardInterrupt
        return opened(self, sealed, owner)

    monkeypatch.setattr(Keyring, "open", crash_on_the_third)
    interrupted = cli(app_ba, "rotate", "--batch-size", "2")
    assert interrupted.exit_code == 1
    assert "Aborted" in interrupted.output
    monkeypatch.setattr(Keyring, "open", opened)
    # The first batch (2 rows) was committed; the interrupted one was rolled back.
    assert status_rows(cli(app_ba, "status").output)[primary_id(app_ba)] == (
        2,
        0,
        "primary (encrypts)",
    )
    finished = cli(app_ba, "rotate", "--batch-size", "2")
    assert "configs: rotated 2" in finished.output
    assert "history: rotated 8" in finished.output
    assert everything(api.on(fresh_app(fernet_keys=(key_b,))), base) == before


def test_a_value_written_during_the_rotation_is_counted_and_kept(
    fresh_app, make_token, tenant, database_url, monkeypatch
):
    """A config rewritten by the API between the rotation's read and write is left as written."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite runs one writer at a time: nothing can be written during a batch")
    key_a, key_b = new_key(), new_key()
    token = make_token(scopes=SENSITIVE_SCOPES, tenants=[tenant])
    base = populate(Tenant(fresh_app(fernet_keys=(key_a,)), token), tenant)
    app_ba = fresh_app(fernet_keys=(key_b, key_a))
    api = Tenant(app_ba, token)
    [secret0] = [
        c for c in api.request("GET", base).get_json()["content"] if c["name"] == "secret0"
    ]
    opened = Keyring.open

    def write_first(self, sealed, owner):
        if str(owner) == secret0["id"] and not started:
            started.append(owner)
            # Another request, on a connection (and thread) of its own, commits a new value.
            body = {"group": "g", "name": "secret0", "value": "meanwhile", "sensitive": True}
            body["version"] = 0
            writer = threading.Thread(
                target=lambda: writes.append(
                    api.request("PUT", f"{base}/{secret0['id']}", json=body)
                )
            )
            writer.start()
            writer.join()
        return opened(self, sealed, owner)

    started: list = []
    writes: list = []
    monkeypatch.setattr(Keyring, "open", write_first)
    rotated = cli(app_ba, "rotate")
    monkeypatch.setattr(Keyring, "open", opened)

    assert writes[0].status_code == 200, writes[0].get_json()
    assert "configs: rotated 3, changed meanwhile 1, unreadable 0" in rotated.output
    value = api.request("GET", f"{base}/{secret0['id']}").get_json()["value"]
    assert value == "meanwhile"
    assert status_rows(cli(app_ba, "status").output)[primary_id(app_ba)][0] == 4
