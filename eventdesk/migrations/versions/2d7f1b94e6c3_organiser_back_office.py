"""the organiser's back office

Revision ID: 2d7f1b94e6c3
Revises: 0c9e5b27d3a8
Create Date: 2026-12-02 02:15:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2d7f1b94e6c3'
down_revision = '0c9e5b27d3a8'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
