"""the door's offline snapshot

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
    pass


def downgrade():
    pass
