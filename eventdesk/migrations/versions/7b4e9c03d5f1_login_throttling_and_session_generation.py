"""login throttling on rate counters; session generation per account

Failed logins and PINs are counted in the shared rate counters now, with
growing waits instead of hard locks: the login_throttle table and the doors'
pin_failures column go. Accounts get a session generation, stored in each
session at login and raised at logout, password change, role change and
deactivation, which ends every older session (existing sessions end once, at
this upgrade).

Revision ID: 7b4e9c03d5f1
Revises: 5a8d2f61c3e9
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7b4e9c03d5f1'
down_revision = '5a8d2f61c3e9'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.add_column(sa.Column('session_generation', sa.Integer(), server_default=sa.text('0'), nullable=False))
    with op.batch_alter_table('doors', schema=None) as batch_op:
        batch_op.drop_column('pin_failures')
    op.drop_table('login_throttle')


def downgrade():
    op.create_table('login_throttle',
    sa.Column('key', sa.String(length=300), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_login_throttle'))
    )
    with op.batch_alter_table('doors', schema=None) as batch_op:
        batch_op.add_column(sa.Column('pin_failures', sa.Integer(), server_default=sa.text('0'), nullable=False))
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_column('session_generation')
