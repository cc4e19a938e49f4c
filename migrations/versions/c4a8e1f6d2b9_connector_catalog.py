"""connector catalog: connectors, their parameter definitions and the definitions' history

Revision ID: c4a8e1f6d2b9
Revises: b7e41c2d8f05
Create Date: 2026-11-30 23:00:00.000000

The catalog makes the known connectors data. This migration fills it with the connectors that
ship under tenant_config/connectors/definitions, and with every connector an existing
integration already uses or TENANT_CONFIG_CONNECTORS (the setting the catalog replaces) names
(under its code as display name, free-form), so that no stored integration and no connector an
operator allowed is left unknown. connector_parameter_versions is append-only,
guarded by a trigger on each backend like tenant_config_versions.

"""
import os
import uuid
from datetime import UTC, datetime

from alembic import op
import sqlalchemy as sa

from tenant_config.connectors.catalog import shipped_definitions


# revision identifiers, used by Alembic.
revision = 'c4a8e1f6d2b9'
down_revision = 'b7e41c2d8f05'
branch_labels = None
depends_on = None

BY = "catalog"
HISTORY = "connector_parameter_versions"


def audited():
    return [
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=255), nullable=False),
        sa.Column('updated_by', sa.String(length=255), nullable=False),
    ]


def definition():
    return [
        sa.Column('connector', sa.String(length=255), nullable=False),
        sa.Column('group_name', sa.String(length=255), nullable=False),
        sa.Column('name', sa.String(length=255), nullable=False),
        sa.Column('label', sa.String(length=255), nullable=True),
        sa.Column('description', sa.String(length=1024), nullable=True),
        sa.Column('type', sa.String(length=16), nullable=False),
        sa.Column('required', sa.Boolean(), nullable=False),
        sa.Column('default_value', sa.String(length=8192), nullable=True),
        sa.Column('allowed_values', sa.JSON(), nullable=True),
        sa.Column('pattern', sa.String(length=1024), nullable=True),
        sa.Column('minimum', sa.Float(), nullable=True),
        sa.Column('maximum', sa.Float(), nullable=True),
        sa.Column('max_length', sa.Integer(), nullable=True),
    ]


def upgrade():
    connectors = op.create_table(
        'connectors',
        *audited(),
        sa.Column('code', sa.String(length=255), nullable=False),
        sa.Column('display_name', sa.String(length=255), nullable=False),
        sa.Column('description', sa.String(length=1024), nullable=True),
        sa.Column('strict', sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('code', name='uq_connector_code'),
    )
    parameters = op.create_table(
        'connector_parameters',
        *audited(),
        *definition(),
        sa.ForeignKeyConstraint(['connector'], ['connectors.code'], ondelete='RESTRICT'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('connector', 'name', name='uq_parameter_connector_name'),
    )
    op.create_index('ix_parameter_connector_group', 'connector_parameters', ['connector', 'group_name'])
    history = op.create_table(
        HISTORY,
        sa.Column('id', sa.Uuid(), nullable=False),
        sa.Column('parameter_id', sa.Uuid(), nullable=False),
        sa.Column('version', sa.Integer(), nullable=False),
        sa.Column('operation', sa.String(length=16), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('created_by', sa.String(length=255), nullable=False),
        sa.Column('updated_by', sa.String(length=255), nullable=False),
        sa.Column('reason', sa.String(length=1024), nullable=True),
        *definition(),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('parameter_id', 'version', name='uq_parameter_version'),
    )
    op.create_index('ix_parameter_version_connector_name', HISTORY, ['connector', 'name'])
    create_history_guards()
    seed(connectors, parameters, history)


def seed(connectors, parameters, history):
    bind = op.get_bind()
    # SQLite stores naive UTC (the app's UTCDateTime drops the zone there).
    now = datetime.now(UTC)
    if bind.dialect.name == "sqlite":
        now = now.replace(tzinfo=None)
    stamp = {"version": 0, "created_at": now, "updated_at": now, "created_by": BY, "updated_by": BY}
    shipped = shipped_definitions()
    codes = {connector["code"] for connector in shipped}
    used = bind.execute(sa.text("SELECT DISTINCT connector FROM tenant_integrations")).scalars()
    allowed = [code.strip() for code in os.environ.get("TENANT_CONFIG_CONNECTORS", "").split(",")]
    for code in sorted({*used, *filter(None, allowed)} - codes):
        shipped.append({"code": code, "display_name": code, "description": None, "strict": False,
                        "parameters": []})
    for connector in shipped:
        op.bulk_insert(connectors, [stamp | {
            "id": uuid.uuid4(),
            "code": connector["code"],
            "display_name": connector["display_name"],
            "description": connector["description"],
            "strict": connector["strict"],
        }])
        for parameter in connector["parameters"]:
            fields = {
                "connector": connector["code"],
                "group_name": parameter["group"],
                "name": parameter["name"],
                "label": parameter["label"],
                "description": parameter["description"],
                "type": parameter["type"],
                "required": parameter["required"],
                "default_value": parameter["default"],
                "allowed_values": parameter["allowed_values"],
                "pattern": parameter["pattern"],
                "minimum": parameter["minimum"],
                "maximum": parameter["maximum"],
                "max_length": parameter["max_length"],
            }
            parameter_id = uuid.uuid4()
            op.bulk_insert(parameters, [stamp | fields | {"id": parameter_id}])
            op.bulk_insert(history, [stamp | fields | {
                "id": uuid.uuid4(), "parameter_id": parameter_id, "operation": "CREATE",
                "reason": "Shipped with the service",
            }])


def create_history_guards():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"""
            CREATE FUNCTION {HISTORY}_append_only() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION '{HISTORY} is append-only: % refused', TG_OP;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            f"CREATE TRIGGER {HISTORY}_append_only BEFORE UPDATE OR DELETE ON {HISTORY} "
            f"FOR EACH ROW EXECUTE FUNCTION {HISTORY}_append_only()"
        )
    else:
        for operation in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {HISTORY}_no_{operation.lower()} BEFORE {operation} ON {HISTORY} "
                f"BEGIN SELECT RAISE(ABORT, '{HISTORY} is append-only: {operation} refused'); END"
            )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute(f"DROP TRIGGER {HISTORY}_append_only ON {HISTORY}")
        op.execute(f"DROP FUNCTION {HISTORY}_append_only()")
    op.drop_index('ix_parameter_version_connector_name', table_name=HISTORY)
    op.drop_table(HISTORY)
    op.drop_index('ix_parameter_connector_group', table_name='connector_parameters')
    op.drop_table('connector_parameters')
    op.drop_table('connectors')
