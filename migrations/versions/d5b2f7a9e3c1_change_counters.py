"""change counters: one row per announced change key, counted up by each committing writer

Revision ID: d5b2f7a9e3c1
Revises: c4a8e1f6d2b9
Create Date: 2026-12-01 01:45:00.000000

A lookup's cached answer is valid while the counters of its partner tenant and of its
connector stand still (tenant_config/platform/changes.py, platform/answers.py). A key never
counted reads as 0, so the table starts empty.

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5b2f7a9e3c1'
down_revision = 'c4a8e1f6d2b9'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'change_counters',
        sa.Column('change_key', sa.Text(), nullable=False),
        sa.Column('counter', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('change_key'),
    )


def downgrade():
    op.drop_table('change_counters')
