"""outbox drafts rendered by the worker

Guest mails are queued as a draft and rendered by the outbox worker, so
``raw`` and ``message_id`` stay empty until then.

Revision ID: 8076684431b8
Revises: e895ff403851
Create Date: 2026-11-28 05:29:59.396489

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8076684431b8'
down_revision = 'e895ff403851'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.add_column(sa.Column('draft', sa.JSON(), nullable=True))
        batch_op.alter_column('message_id', existing_type=sa.String(length=255), nullable=True)
        batch_op.alter_column('raw', existing_type=sa.LargeBinary(), nullable=True)


def downgrade():
    # The older schema cannot hold a mail that is not rendered yet: stop the
    # worker only after the outbox is empty of drafts, or they are dropped here.
    op.execute("DELETE FROM outbox WHERE raw IS NULL OR message_id IS NULL")
    op.execute("UPDATE outbox SET status = 'failed' WHERE status = 'superseded'")
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.alter_column('raw', existing_type=sa.LargeBinary(), nullable=False)
        batch_op.alter_column('message_id', existing_type=sa.String(length=255), nullable=False)
        batch_op.drop_column('draft')
