"""registrations that wait for the guest to confirm their address

Registrations from a busy client address (or at an event that always asks)
are stored as ``pending`` until the guest follows the link in the mail; the
status column is a plain string, so only the event gets new columns.

Revision ID: 5a8d2f61c3e9
Revises: 3c1e7a90b2d4
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a8d2f61c3e9'
down_revision = '3c1e7a90b2d4'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(sa.Column('confirm_address_always', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
        batch_op.add_column(sa.Column('refused_registrations', sa.Integer(), nullable=False,
                                      server_default='0'))


def downgrade():
    # The older schema knows no pending registrations: they hold nothing, so drop them.
    op.execute("DELETE FROM registrations WHERE status = 'pending'")
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('refused_registrations')
        batch_op.drop_column('confirm_address_always')
