"""encrypted sensitive values; history may change only its ciphertext

Revision ID: 6af70a967593
Revises: 703a2ddefc5c
Create Date: 2026-11-23 18:30:00.000000

Sensitive values move from `value` (plain text) to `secret` ("<key id>:<fernet token>") in both
tables; existing ones are encrypted with the primary key of the running app. The history guards
are replaced: an UPDATE of a history row is refused unless it changes nothing but an existing
ciphertext (key rotation); every DELETE is still refused. A later migration that adds a column
to tenant_config_versions must list it in GUARDED_COLUMNS of a new SQLite trigger.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '6af70a967593'
down_revision = '703a2ddefc5c'
branch_labels = None
depends_on = None

GUARDED_COLUMNS = (
    "id", "tenant_config_id", "version", "operation", "created_at", "updated_at", "created_by",
    "updated_by", "integration_id", "integration_name", "client", "client_name", "tenant",
    "tenant_name", "partner_tenant", "partner_tenant_name", "connector", "group_name", "name",
    "label", "description", "value", "sensitive",
)
REFUSED = "tenant_config_versions is append-only: % refused"


def upgrade():
    drop_old_guards()
    op.add_column('tenant_configs', sa.Column('secret', sa.Text(), nullable=True))
    op.add_column('tenant_config_versions', sa.Column('secret', sa.Text(), nullable=True))
    encrypt_existing('tenant_configs', 'id')
    encrypt_existing('tenant_config_versions', 'tenant_config_id')
    create_rotation_guards()


def encrypt_existing(table_name, owner_column):
    """Encrypt sensitive values stored in plain text by the previous revision."""
    from tenant_config.platform.encryption.column import EncryptedText
    from tenant_config.platform.encryption.keyring import Secret

    table = sa.table(
        table_name,
        *(sa.column(name, sa.Uuid()) for name in dict.fromkeys(('id', owner_column))),
        sa.column('value', sa.String()),
        sa.column('sensitive', sa.Boolean()),
        sa.column('secret', EncryptedText()),
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(table.c.id, table.c[owner_column], table.c.value).where(
            table.c.sensitive.is_(True), table.c.value.is_not(None)
        )
    ).all()
    for row_id, owner, value in rows:
        bind.execute(
            sa.update(table)
            .where(table.c.id == row_id)
            .values(secret=Secret(owner, value), value=None)
        )


def drop_old_guards():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER tenant_config_versions_append_only ON tenant_config_versions")
    else:
        op.execute("DROP TRIGGER tenant_config_versions_no_update")
        op.execute("DROP TRIGGER tenant_config_versions_no_delete")


def create_rotation_guards():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION tenant_config_versions_append_only() RETURNS trigger AS $$
            BEGIN
                IF TG_OP = 'UPDATE' AND OLD.secret IS NOT NULL AND NEW.secret IS NOT NULL
                   AND (to_jsonb(NEW) - 'secret') = (to_jsonb(OLD) - 'secret') THEN
                    RETURN NEW;
                END IF;
                RAISE EXCEPTION '{REFUSED}', TG_OP;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER tenant_config_versions_append_only BEFORE UPDATE OR DELETE "
            "ON tenant_config_versions FOR EACH ROW "
            "EXECUTE FUNCTION tenant_config_versions_append_only()"
        )
    else:
        unchanged = " AND ".join(f"NEW.{c} IS OLD.{c}" for c in GUARDED_COLUMNS)
        op.execute(
            "CREATE TRIGGER tenant_config_versions_no_update BEFORE UPDATE ON "
            "tenant_config_versions WHEN NOT (OLD.secret IS NOT NULL AND NEW.secret IS NOT NULL "
            f"AND {unchanged}) BEGIN SELECT RAISE(ABORT, "
            f"'{REFUSED.replace('%', 'UPDATE')}'); END"
        )
        op.execute(
            "CREATE TRIGGER tenant_config_versions_no_delete BEFORE DELETE ON "
            f"tenant_config_versions BEGIN SELECT RAISE(ABORT, "
            f"'{REFUSED.replace('%', 'DELETE')}'); END"
        )


def downgrade():
    bind = op.get_bind()
    for table in ('tenant_configs', 'tenant_config_versions'):
        if bind.execute(sa.text(f"SELECT count(*) FROM {table} WHERE secret IS NOT NULL")).scalar():
            # The previous revision stored sensitive values in plain text; never write that.
            raise RuntimeError(
                f"{table} holds encrypted sensitive values; downgrading would store them in "
                "plain text. Delete them (or restore a backup) first."
            )
    if bind.dialect.name == "postgresql":
        op.execute("DROP TRIGGER tenant_config_versions_append_only ON tenant_config_versions")
        op.execute(
            f"""
            CREATE OR REPLACE FUNCTION tenant_config_versions_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{REFUSED}', TG_OP;
            END;
            $$ LANGUAGE plpgsql
            """
        )
    else:
        op.execute("DROP TRIGGER tenant_config_versions_no_update")
        op.execute("DROP TRIGGER tenant_config_versions_no_delete")
    with op.batch_alter_table('tenant_config_versions', schema=None) as batch_op:
        batch_op.drop_column('secret')
    with op.batch_alter_table('tenant_configs', schema=None) as batch_op:
        batch_op.drop_column('secret')
    # The first revision's guards, as it made them.
    if bind.dialect.name == "postgresql":
        op.execute(
            "CREATE TRIGGER tenant_config_versions_append_only BEFORE UPDATE OR DELETE "
            "ON tenant_config_versions FOR EACH ROW "
            "EXECUTE FUNCTION tenant_config_versions_append_only()"
        )
    else:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER tenant_config_versions_no_{operation.lower()} "
                f"BEFORE {operation} ON tenant_config_versions "
                f"BEGIN SELECT RAISE(ABORT, 'tenant_config_versions is append-only: "
                f"{operation} refused'); END"
            )
