"""badges: per-event badge settings (wallet passes need no table)

Revision ID: d1e5a7f39c82
Revises: b6c3e8f27a40
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd1e5a7f39c82'
down_revision = 'b6c3e8f27a40'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'badge_settings',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('print_at_checkin', sa.Boolean(), nullable=False),
        sa.Column('show_qr', sa.Boolean(), nullable=False),
        sa.Column('sheet_layout', sa.String(length=20), nullable=False),
        sa.Column('label_layout', sa.String(length=20), nullable=False),
        sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ['event_id'], ['events.id'],
            name=op.f('fk_badge_settings_event_id_events'), ondelete='CASCADE',
        ),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_badge_settings')),
    )


def downgrade():
    op.drop_table('badge_settings')
