"""organiser details, cover images and the guest's experience

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
    pass


def downgrade():
    pass
