"""operations: worker heartbeat and health

Revision ID: b6c3e8f27a40
Revises: 9d2f6a15e7b3
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b6c3e8f27a40'
down_revision = '9d2f6a15e7b3'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
