"""login throttling on rate counters; session generation per account

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
    pass


def downgrade():
    pass
