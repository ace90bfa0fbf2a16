"""badges and wallet passes

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
    pass


def downgrade():
    pass
