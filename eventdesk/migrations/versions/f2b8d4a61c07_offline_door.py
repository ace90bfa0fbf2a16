"""the offline door: check-in conflicts settled on the server

Revision ID: f2b8d4a61c07
Revises: e7a3c5d18b96
Create Date: 2026-12-02 02:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f2b8d4a61c07'
down_revision = 'e7a3c5d18b96'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'checkin_conflicts',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=False),
        sa.Column('kind', sa.Enum('twice', 'cancelled', name='conflictkind', native_enum=False,
                                  length=20), nullable=False),
        sa.Column('kept_door_id', sa.Integer(), nullable=True),
        sa.Column('kept_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('other_door_id', sa.Integer(), nullable=True),
        sa.Column('other_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'],
                                name=op.f('fk_checkin_conflicts_event_id_events'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_checkin_conflicts_registration_id_registrations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['kept_door_id'], ['doors.id'],
                                name=op.f('fk_checkin_conflicts_kept_door_id_doors'),
                                ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['other_door_id'], ['doors.id'],
                                name=op.f('fk_checkin_conflicts_other_door_id_doors'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_checkin_conflicts')),
    )
    with op.batch_alter_table('checkin_conflicts', schema=None) as batch_op:
        batch_op.create_index('ix_checkin_conflicts_event_id_at', ['event_id', 'other_at'],
                              unique=False)


def downgrade():
    with op.batch_alter_table('checkin_conflicts', schema=None) as batch_op:
        batch_op.drop_index('ix_checkin_conflicts_event_id_at')
    op.drop_table('checkin_conflicts')
