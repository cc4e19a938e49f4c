"""integration instances: the lookup answer (ETag) each connector instance last reported

Revision ID: e8c3a1f0b6d4
Revises: d5b2f7a9e3c1
Create Date: 2026-12-02 10:00:00.000000

One row per (integration, instance), replaced by each report; rows expire when an instance
stops reporting (tenant_config/instances/service.py) and go with their integration.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8c3a1f0b6d4'
down_revision = 'd5b2f7a9e3c1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'integration_instances',
        sa.Column('integration_id', sa.Uuid(), nullable=False),
        sa.Column('instance', sa.String(length=128), nullable=False),
        sa.Column('etag', sa.String(length=255), nullable=False),
        sa.Column('status', sa.String(length=16), nullable=False),
        sa.Column('reason', sa.String(length=1000), nullable=True),
        sa.Column('query', sa.String(length=2048), nullable=False),
        sa.Column('reported_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('reported_by', sa.String(length=255), nullable=False),
        sa.Column('partner_counter', sa.BigInteger(), nullable=True),
        sa.Column('connector_counter', sa.BigInteger(), nullable=True),
        sa.ForeignKeyConstraint(
            ['integration_id'], ['tenant_integrations.id'], ondelete='CASCADE'
        ),
        sa.PrimaryKeyConstraint('integration_id', 'instance'),
    )


def downgrade():
    op.drop_table('integration_instances')
