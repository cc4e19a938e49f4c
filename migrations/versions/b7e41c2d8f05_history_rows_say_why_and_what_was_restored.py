"""history rows say why a change was made, and which version a restore copied

Revision ID: b7e41c2d8f05
Revises: 9d3e5a7c1b42
Create Date: 2026-11-30 21:00:00.000000

Two nullable columns on tenant_config_versions: `reason` (the caller's change reason, at most
1,024 characters) and `restored_from` (the version a RESTORE row copied). Both are guarded like
every other column: PostgreSQL's guard compares whole rows (to_jsonb), so it covers them as it
stands; SQLite's trigger names its columns, so it is made again with these two added.
A later migration that adds a column to tenant_config_versions must list it in
GUARDED_COLUMNS of a new SQLite trigger.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7e41c2d8f05'
down_revision = '9d3e5a7c1b42'
branch_labels = None
depends_on = None

PREVIOUS_GUARDED_COLUMNS = (
    "id", "tenant_config_id", "version", "operation", "created_at", "updated_at", "created_by",
    "updated_by", "integration_id", "integration_name", "client", "client_name", "tenant",
    "tenant_name", "partner_tenant", "partner_tenant_name", "connector", "group_name", "name",
    "label", "description",
)
GUARDED_COLUMNS = (*PREVIOUS_GUARDED_COLUMNS, "reason", "restored_from")
REFUSED = "tenant_config_versions is append-only: UPDATE refused"


def upgrade():
    op.add_column(
        'tenant_config_versions', sa.Column('reason', sa.String(length=1024), nullable=True)
    )
    op.add_column('tenant_config_versions', sa.Column('restored_from', sa.Integer(), nullable=True))
    if op.get_bind().dialect.name == "sqlite":
        op.execute("DROP TRIGGER tenant_config_versions_no_update")
        create_sqlite_update_guard(GUARDED_COLUMNS)


def downgrade():
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        # A trigger naming a column stops SQLite from dropping it; the delete guard is made
        # again too, since batch mode rebuilds the table without its triggers.
        op.execute("DROP TRIGGER tenant_config_versions_no_update")
        op.execute("DROP TRIGGER tenant_config_versions_no_delete")
    with op.batch_alter_table('tenant_config_versions', schema=None) as batch_op:
        batch_op.drop_column('restored_from')
        batch_op.drop_column('reason')
    if sqlite:
        create_sqlite_update_guard(PREVIOUS_GUARDED_COLUMNS)
        op.execute(
            "CREATE TRIGGER tenant_config_versions_no_delete BEFORE DELETE ON "
            "tenant_config_versions BEGIN SELECT RAISE(ABORT, "
            "'tenant_config_versions is append-only: DELETE refused'); END"
        )


def create_sqlite_update_guard(columns):
    """Allow key rotation and sealing (as 9d3e5a7c1b42 does), with `columns` unchanged."""
    unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in columns)
    rotation = (
        "OLD.secret IS NOT NULL AND NEW.secret IS NOT NULL "
        f"AND NEW.value IS OLD.value AND NEW.sensitive IS OLD.sensitive AND {unchanged}"
    )
    sealing = (
        "OLD.sensitive = 0 AND OLD.value IS NOT NULL AND OLD.secret IS NULL "
        f"AND NEW.sensitive = 1 AND NEW.value IS NULL AND NEW.secret IS NOT NULL AND {unchanged}"
    )
    op.execute(
        "CREATE TRIGGER tenant_config_versions_no_update BEFORE UPDATE ON "
        f"tenant_config_versions WHEN NOT (({rotation}) OR ({sealing})) "
        f"BEGIN SELECT RAISE(ABORT, '{REFUSED}'); END"
    )
