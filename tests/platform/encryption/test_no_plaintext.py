"""A sensitive value's plaintext is nowhere: not in the database files, logs, errors or spec."""

from __future__ import annotations

import logging
import uuid

from sqlalchemy import Text, select, type_coerce

from tenant_config.configs.models import Config
from tenant_config.platform.database import db
from tenant_config.platform.sizes import VALUE_MAX_LENGTH
from tests.support.dumps import database_bytes
from tests.support.paths import REPO
from tests.support.settings import new_key, session_fernet_key


def test_the_plaintext_of_a_sensitive_value_appears_nowhere(
    app, client, make_app, headers, sensitive_headers, integration, database_url, caplog, capfd
):
    canary = f"CANARY-{uuid.uuid4()}"
    later = f"CANARY-{uuid.uuid4()}"
    base = f"/tenantintegrations/{integration['id']}/configs"
    answers = []
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="sqlalchemy.engine")

    def send(method, url, expected, **kwargs):
        response = client.open(url, method=method, headers=headers, **kwargs)
        assert response.status_code == expected, response.get_json()
        answers.append(response.get_data())
        return response

    body = {"group": "g", "name": "apiKey", "value": canary, "sensitive": True}
    created = send("POST", base, 201, json=body).get_json()
    url = f"{base}/{created['id']}"
    send("PUT", url, 200, json=body | {"value": later, "label": "rotated", "version": 0})
    # Bad requests carrying the plaintext: too long, unknown field, duplicate, bad JSON.
    too_long = canary * (VALUE_MAX_LENGTH // len(canary) + 1)
    send("POST", base, 422, json=body | {"name": "long", "value": too_long})
    send("PUT", url, 422, json=body | {"value": too_long, "version": 1})
    send("POST", base, 422, json=body | {"name": "odd", "unknown": canary})
    send("POST", base, 409, json=body)
    send("POST", base, 400, data=f'{{"value": "{canary}"', content_type="application/json")
    send("PUT", url, 422, json=body | {"value": "********", "sensitive": False, "version": 1})
    # Every read, masked.
    for read in (url, base, f"{base}/versions"):
        send("GET", read, 200)
    lookup = f"/connectors/{integration['connector']}/partnertenants/{integration['partnerTenant']}"
    send("GET", f"{lookup}/configs", 200)
    # A forced 500: the key that made it is gone.
    gone = make_app(fernet_keys=(new_key(),)).test_client().get(url, headers=sensitive_headers)
    assert gone.status_code == 500
    answers.append(gone.get_data())
    # The authorized reveal works, and is the only place the value shows.
    assert client.get(url, headers=sensitive_headers).get_json()["value"] == later

    with app.app_context():
        ciphertext = db.session.scalar(
            select(type_coerce(Config.__table__.c.secret, Text)).where(
                Config.__table__.c.id == uuid.UUID(created["id"])
            )
        )
        db.session.rollback()
    places = {
        "database": database_bytes(database_url),
        "logs": caplog.text.encode() + "".join(capfd.readouterr()).encode(),
        "answers": b"\n".join(answers),
        "committed OpenAPI": (REPO / "openapi" / "openapi.json").read_bytes(),
        "served OpenAPI": client.get("/openapi.json").get_data(),
    }
    assert any(r.name.startswith("sqlalchemy.engine") for r in caplog.records)  # DEBUG was on
    assert ciphertext.encode() in places["database"]  # the search reads real rows
    for place, data in places.items():
        for plaintext in (canary, later, session_fernet_key()):
            assert plaintext.encode() not in data, f"plaintext found in {place}"
    assert ciphertext.split(":", 1)[1].encode() not in places["answers"]
