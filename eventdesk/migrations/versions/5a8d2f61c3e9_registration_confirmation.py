"""registrations that wait for the guest to confirm their address

Revision ID: 5a8d2f61c3e9
Revises: 3c1e7a90b2d4
Create Date: 2026-12-02 01:10:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5a8d2f61c3e9'
down_revision = '3c1e7a90b2d4'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
