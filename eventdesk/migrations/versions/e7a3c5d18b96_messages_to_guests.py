"""messages to guests

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


def upgrade():
    pass


def downgrade():
    pass
