"""Placeholder step (filled in or removed before release).

Revision ID: 4a7c9e1b3d25
Revises: 0c9e5b27d3a8
"""

revision = "4a7c9e1b3d25"
down_revision = "0c9e5b27d3a8"
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
