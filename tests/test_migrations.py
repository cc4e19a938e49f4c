"""Migrations: the models agree with them, and the history table guards itself in the database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from flask_migrate import check, downgrade, upgrade
from sqlalchemy.exc import DBAPIError

from tenant_config.config_versions.models import ConfigVersion
from tenant_config.parameters.models import ParameterVersion
from tenant_config.platform.database import db
from tenant_config.platform.encryption.column import keyring
from tenant_config.platform.encryption.keyring import Sealed, Secret
from tests.support.tokens import ALL_SCOPES

HISTORY = ConfigVersion.__table__
FIRST_REVISION = "703a2ddefc5c"


def test_models_and_migrations_agree(app):
    with app.app_context():
        check()  # `flask db check`: raises when autogenerate finds a difference


@pytest.fixture
def history_row(app, new_config) -> uuid.UUID:
    """The id of the CREATE history row of a sensitive config."""
    created = new_config(value="guarded", sensitive=True, label=None)
    with app.app_context():
        return db.session.scalar(
            sa.select(HISTORY.c.id).where(HISTORY.c.tenant_config_id == uuid.UUID(created["id"]))
        )


def _other(value, column: str = ""):
    """A value of the same type that differs from `value` (text for a NULL, unless a number)."""
    if value is None and HISTORY.c[column].type.python_type is int:
        return 1
    if isinstance(value, uuid.UUID):
        return uuid.uuid4()
    if isinstance(value, bool):
        return not value
    if isinstance(value, int):
        return value + 1
    if isinstance(value, datetime):
        return value + timedelta(seconds=1)
    return (value or "") + "x"


def _refused(app, statement) -> None:
    with app.app_context(), pytest.raises(DBAPIError) as refused, db.engine.begin() as connection:
        connection.execute(statement)
    assert "append-only" in str(refused.value.orig)


GUARDED = [c.name for c in HISTORY.columns if c.name != "secret"]


@pytest.mark.parametrize("column", GUARDED)
def test_history_refuses_an_update_of_any_other_column(app, history_row, column):
    with app.app_context():
        current = db.session.execute(sa.select(HISTORY).where(HISTORY.c.id == history_row)).one()
        db.session.rollback()
    new = _other(getattr(current, column), column)
    _refused(app, sa.update(HISTORY).where(HISTORY.c.id == history_row).values({column: new}))


def _reencrypted(app, history_row) -> Secret:
    """The row's plaintext as a new Secret: what key rotation writes back."""
    with app.app_context():
        row = db.session.execute(
            sa.select(HISTORY.c.tenant_config_id, HISTORY.c.secret).where(
                HISTORY.c.id == history_row
            )
        ).one()
        secret = Secret(row.tenant_config_id, keyring().open(row.secret, row.tenant_config_id))
        db.session.rollback()
    return secret


def test_history_refuses_a_ciphertext_change_together_with_another_column(app, history_row):
    """A real rotation write, with one more column changed, is refused as a whole."""
    secret = _reencrypted(app, history_row)
    statement = (
        sa.update(HISTORY).where(HISTORY.c.id == history_row).values(secret=secret, label="changed")
    )
    _refused(app, statement)


def test_history_refuses_removing_a_ciphertext_and_every_delete(app, history_row):
    _refused(app, sa.update(HISTORY).where(HISTORY.c.id == history_row).values(secret=None))
    _refused(app, sa.delete(HISTORY).where(HISTORY.c.id == history_row))


def test_history_accepts_a_change_of_its_ciphertext_only(app, history_row):
    secret = _reencrypted(app, history_row)
    with app.app_context():
        before = db.session.scalar(sa.select(HISTORY.c.secret).where(HISTORY.c.id == history_row))
        with db.engine.begin() as connection:
            changed = connection.execute(
                sa.update(HISTORY).where(HISTORY.c.id == history_row).values(secret=secret)
            )
        assert changed.rowcount == 1
        db.session.rollback()  # a fresh snapshot
        after = db.session.scalar(sa.select(HISTORY.c.secret).where(HISTORY.c.id == history_row))
        assert isinstance(after, Sealed)
        assert after.token != before.token
        assert keyring().open(after, secret.owner) == "guarded"


def test_upgrade_encrypts_sensitive_values_stored_in_plain_text(fresh_app):
    app = fresh_app()
    integration_id, config_id, now = uuid.uuid4(), uuid.uuid4(), datetime.now(UTC)
    audit = {
        "version": 0,
        "created_at": now,
        "updated_at": now,
        "created_by": "m",
        "updated_by": "m",
    }
    names = {"client": "c", "tenant": "t", "partner_tenant": "p", "connector": "SAPTAX_OSERIES"}
    config = {"group_name": "g", "name": "n", "value": "legacy-plain", "sensitive": True}
    with app.app_context():
        downgrade(revision=FIRST_REVISION)
        tables = db.metadata.tables  # typed as the models; the inserts leave `secret` out
        with db.engine.begin() as connection:
            connection.execute(
                tables["tenant_integrations"].insert(),
                {"id": integration_id, "name": "i", **names, **audit},
            )
            connection.execute(
                tables["tenant_configs"].insert(),
                {"id": config_id, "integration_id": integration_id, **config, **audit},
            )
            connection.execute(
                tables["tenant_config_versions"].insert(),
                {
                    "id": uuid.uuid4(),
                    "tenant_config_id": config_id,
                    "operation": "CREATE",
                    "integration_id": integration_id,
                    "integration_name": "i",
                    **names,
                    **config,
                    **audit,
                },
            )
        upgrade()
        for table in (db.metadata.tables["tenant_configs"], HISTORY):
            row = db.session.execute(sa.select(table.c.value, table.c.secret)).one()
            assert row.value is None
            assert keyring().open(row.secret, config_id) == "legacy-plain"
        db.session.rollback()
        head = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        db.session.rollback()
        with pytest.raises(SystemExit):  # Flask-Migrate's way of failing a command
            downgrade(revision=FIRST_REVISION)
        # Refused at 6af70a967593 (the later steps down are rolled back, or not, per backend).
        now = db.session.scalar(sa.text("SELECT version_num FROM alembic_version"))
        assert now in {head, "6af70a967593"}


PARAMETER_HISTORY = ParameterVersion.__table__
UPDATABLE = (
    *("client", "clientName", "tenant", "tenantName", "partnerTenant", "partnerTenantName"),
    "connector",
)
BEFORE_CATALOG = "b7e41c2d8f05"


PARAMETER_CHANGES = {
    "label": {"label": "changed"},
    "reason": {"reason": None},
    "version": {"version": PARAMETER_HISTORY.c.version + 1},
    "definition": {"type": "string", "pattern": "^x"},
}


@pytest.mark.parametrize("change", PARAMETER_CHANGES, ids=str)
def test_parameter_history_refuses_an_update(app, change):
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(PARAMETER_HISTORY)) > 0
        db.session.rollback()
    _refused(app, sa.update(PARAMETER_HISTORY).values(PARAMETER_CHANGES[change]))


def test_parameter_history_refuses_a_delete(app):
    _refused(app, sa.delete(PARAMETER_HISTORY))


def test_upgrade_puts_connectors_that_integrations_use_into_the_catalog(fresh_app, make_token):
    app = fresh_app()
    integration_id, now = uuid.uuid4(), datetime.now(UTC)
    audit = {"version": 0, "created_at": now, "created_by": "m", "updated_by": "m"}
    names = {"client": str(uuid.uuid4()), "tenant": str(uuid.uuid4()), "partner_tenant": "p"}
    names["connector"] = "LEGACY_ONE"
    with app.app_context():
        downgrade(revision=BEFORE_CATALOG)
        with db.engine.begin() as connection:
            connection.execute(
                db.metadata.tables["tenant_integrations"].insert(),
                {"id": integration_id, "name": "legacy", "updated_at": now, **names, **audit},
            )
        upgrade()
        codes = db.session.scalars(sa.text("SELECT code FROM connectors ORDER BY code")).all()
        db.session.rollback()
    assert codes == ["ARIBA2_OSERIES", "BIGCOMMERCE_OSERIES", "LEGACY_ONE", "SAPTAX_OSERIES"]
    token = make_token(scopes=["ConnTenantConfigApi:Admin", *ALL_SCOPES])
    admin = {"Authorization": f"Bearer {token}"}
    client = app.test_client()
    connector = client.get("/connectors/LEGACY_ONE", headers=admin).get_json()
    assert (connector["displayName"], connector["strict"]) == ("LEGACY_ONE", False)
    integration = client.get(f"/tenantintegrations/{integration_id}", headers=admin).get_json()
    replaced = client.put(
        f"/tenantintegrations/{integration_id}",
        json={key: integration[key] for key in UPDATABLE} | {"name": "kept", "version": 0},
        headers=admin,
    )
    assert replaced.status_code == 200, replaced.get_json()
    config = client.post(
        f"/tenantintegrations/{integration_id}/configs",
        json={"group": "g", "name": "n", "value": "v"},
        headers=admin,
    )
    assert config.status_code == 201, config.get_json()
