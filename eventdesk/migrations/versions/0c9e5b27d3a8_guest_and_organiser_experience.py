"""the organiser's name and a cover image per event

Revision ID: 0c9e5b27d3a8
Revises: f2b8d4a61c07
Create Date: 2026-12-02 02:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0c9e5b27d3a8'
down_revision = 'f2b8d4a61c07'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('organiser_name', sa.String(length=200), nullable=False, server_default='')
        )
        batch_op.add_column(
            sa.Column('cover_image', sa.String(length=64), nullable=False, server_default='')
        )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('organiser_name', server_default=None)
        batch_op.alter_column('cover_image', server_default=None)


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('cover_image')
        batch_op.drop_column('organiser_name')
