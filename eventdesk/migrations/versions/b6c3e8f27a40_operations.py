"""operations: when a worker last finished an outbox pass

Revision ID: b6c3e8f27a40
Revises: 7b4e9c03d5f1
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6c3e8f27a40'
down_revision = '7b4e9c03d5f1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'worker_passes',
        sa.Column('host', sa.String(length=255), nullable=False),
        sa.Column('finished_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('pid', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('host', name=op.f('pk_worker_passes')),
    )


def downgrade():
    op.drop_table('worker_passes')
