"""hardening: smaller leaks and hostile input

Revision ID: 9d2f6a15e7b3
Revises: 7b4e9c03d5f1
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9d2f6a15e7b3'
down_revision = '7b4e9c03d5f1'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
