"""messages to guests: batches, each guest's copy, reminder settings, opt-outs

Revision ID: e7a3c5d18b96
Revises: d1e5a7f39c82
Create Date: 2026-12-02 01:50:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e7a3c5d18b96'
down_revision = 'd1e5a7f39c82'
branch_labels = None
depends_on = None


def _enum(name, *values):
    return sa.Enum(*values, name=name, native_enum=False, length=20)


def upgrade():
    op.create_table(
        'message_batches',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('key', sa.String(length=64), nullable=False),
        sa.Column('kind', _enum('batchkind', 'reminder', 'update', 'thanks'), nullable=False),
        sa.Column('status', _enum('batchstatus', 'scheduled', 'queued', 'cancelled'),
                  nullable=False),
        sa.Column('audience', _enum('audience', 'confirmed', 'waitlisted', 'checked_in',
                                    'not_checked_in', 'invitees_silent'), nullable=False),
        sa.Column('organisation', sa.String(length=200), nullable=False),
        sa.Column('question_id', sa.Integer(), nullable=True),
        sa.Column('answer', sa.String(length=200), nullable=False),
        sa.Column('language', sa.String(length=5), nullable=False),
        sa.Column('subject_nl', sa.String(length=300), nullable=False),
        sa.Column('subject_en', sa.String(length=300), nullable=False),
        sa.Column('body_nl', sa.Text(), nullable=False),
        sa.Column('body_en', sa.Text(), nullable=False),
        sa.Column('link', sa.String(length=500), nullable=False),
        sa.Column('attachment', sa.LargeBinary(), nullable=True),
        sa.Column('attachment_name', sa.String(length=200), nullable=False),
        sa.Column('attachment_type', sa.String(length=100), nullable=False),
        sa.Column('send_at', sa.DateTime(timezone=True), nullable=False),
        sa.Column('queued_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True),
        sa.Column('recipients', sa.Integer(), nullable=False),
        sa.Column('created_by', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'],
                                name=op.f('fk_message_batches_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_batches')),
        sa.UniqueConstraint('event_id', 'key', name=op.f('uq_message_batches_event_id_key')),
    )
    op.create_table(
        'guest_messages',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('batch_id', sa.Integer(), nullable=False),
        sa.Column('registration_id', sa.Integer(), nullable=True),
        sa.Column('invitee_id', sa.Integer(), nullable=True),
        sa.Column('outbox_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['batch_id'], ['message_batches.id'],
                                name=op.f('fk_guest_messages_batch_id_message_batches'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['registration_id'], ['registrations.id'],
                                name=op.f('fk_guest_messages_registration_id_registrations'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['invitee_id'], ['invitees.id'],
                                name=op.f('fk_guest_messages_invitee_id_invitees'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['outbox_id'], ['outbox.id'],
                                name=op.f('fk_guest_messages_outbox_id_outbox'),
                                ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_guest_messages')),
        sa.UniqueConstraint('batch_id', 'registration_id',
                            name=op.f('uq_guest_messages_batch_id_registration_id')),
        sa.UniqueConstraint('batch_id', 'invitee_id',
                            name=op.f('uq_guest_messages_batch_id_invitee_id')),
    )
    with op.batch_alter_table('guest_messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_guest_messages_batch_id'), ['batch_id'])
        batch_op.create_index(batch_op.f('ix_guest_messages_registration_id'),
                              ['registration_id'])
        batch_op.create_index(batch_op.f('ix_guest_messages_invitee_id'), ['invitee_id'])
        batch_op.create_index(batch_op.f('ix_guest_messages_outbox_id'), ['outbox_id'])
    op.create_table(
        'reminder_settings',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('enabled', sa.Boolean(), nullable=False),
        sa.Column('hours_before', sa.Integer(), nullable=False),
        sa.Column('note_nl', sa.Text(), nullable=False),
        sa.Column('note_en', sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'],
                                name=op.f('fk_reminder_settings_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id', name=op.f('pk_reminder_settings')),
    )
    op.create_table(
        'message_opt_outs',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('email_normalized', sa.String(length=254), nullable=False),
        sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'],
                                name=op.f('fk_message_opt_outs_event_id_events'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_message_opt_outs')),
        sa.UniqueConstraint('event_id', 'email_normalized',
                            name=op.f('uq_message_opt_outs_event_id_email_normalized')),
    )


def downgrade():
    op.drop_table('message_opt_outs')
    op.drop_table('reminder_settings')
    with op.batch_alter_table('guest_messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_guest_messages_outbox_id'))
        batch_op.drop_index(batch_op.f('ix_guest_messages_invitee_id'))
        batch_op.drop_index(batch_op.f('ix_guest_messages_registration_id'))
        batch_op.drop_index(batch_op.f('ix_guest_messages_batch_id'))
    op.drop_table('guest_messages')
    op.drop_table('message_batches')
