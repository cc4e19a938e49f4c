"""history rows may be sealed: a plain value that became sensitive moves into its ciphertext

Revision ID: 9d3e5a7c1b42
Revises: 6af70a967593
Create Date: 2026-11-30 20:00:00.000000

When a config turns sensitive, its earlier history rows still hold the plain value. The service
seals them in the same transaction: `value` moves, encrypted, into `secret` and the row reads as
sensitive from then on. The history guards now allow exactly that change besides key rotation:
a plain row (sensitive false, a value, no ciphertext) becoming a sealed one (sensitive true, no
value, a ciphertext) with every other column unchanged. Nothing else; a sealed row never opens.
A later migration that adds a column to tenant_config_versions must list it in
GUARDED_COLUMNS of a new SQLite trigger.

"""
from alembic import op


# revision identifiers, used by Alembic.
revision = '9d3e5a7c1b42'
down_revision = '6af70a967593'
branch_labels = None
depends_on = None

GUARDED_COLUMNS = (
    "id", "tenant_config_id", "version", "operation", "created_at", "updated_at", "created_by",
    "updated_by", "integration_id", "integration_name", "client", "client_name", "tenant",
    "tenant_name", "partner_tenant", "partner_tenant_name", "connector", "group_name", "name",
    "label", "description",
)
REFUSED = "tenant_config_versions is append-only: % refused"
ROTATION_PG = (
    "OLD.secret IS NOT NULL AND NEW.secret IS NOT NULL "
    "AND (to_jsonb(NEW) - 'secret') = (to_jsonb(OLD) - 'secret')"
)
SEALING_PG = (
    "NOT OLD.sensitive AND OLD.value IS NOT NULL AND OLD.secret IS NULL "
    "AND NEW.sensitive AND NEW.value IS NULL AND NEW.secret IS NOT NULL "
    "AND (to_jsonb(NEW) - 'secret' - 'value' - 'sensitive') "
    "= (to_jsonb(OLD) - 'secret' - 'value' - 'sensitive')"
)


def _unchanged(*columns):
    return " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)


ROTATION_SQLITE = (
    "OLD.secret IS NOT NULL AND NEW.secret IS NOT NULL AND "
    + _unchanged(*GUARDED_COLUMNS, "value", "sensitive")
)
SEALING_SQLITE = (
    "OLD.sensitive = 0 AND OLD.value IS NOT NULL AND OLD.secret IS NULL "
    "AND NEW.sensitive = 1 AND NEW.value IS NULL AND NEW.secret IS NOT NULL AND "
    + _unchanged(*GUARDED_COLUMNS)
)


def upgrade():
    create_guards(ROTATION_PG, SEALING_PG, ROTATION_SQLITE, SEALING_SQLITE)


def downgrade():
    # Sealed rows stay sealed: they are valid rows of the previous revision (sensitive, encrypted).
    create_guards(ROTATION_PG, "false", ROTATION_SQLITE, "0")


def create_guards(rotation_pg, sealing_pg, rotation_sqlite, sealing_sqlite):
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION tenant_config_versions_append_only() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND (({rotation_pg}) OR ({sealing_pg})) THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION '{REFUSED}', TG_OP;
            END;
            $$ LANGUAGE plpgsql
            """
        )
    else:
        op.execute("DROP TRIGGER tenant_config_versions_no_update")
        op.execute(
            "CREATE TRIGGER tenant_config_versions_no_update BEFORE UPDATE ON "
            f"tenant_config_versions WHEN NOT (({rotation_sqlite}) OR ({sealing_sqlite})) "
            f"BEGIN SELECT RAISE(ABORT, '{REFUSED.replace('%', 'UPDATE')}'); END"
        )
