"""cover images in the database instead of the instance's covers/ folder

Revision ID: 9d4b2f7e1a63
Revises: 0c9e5b27d3a8
Create Date: 2026-12-02 04:40:00

The upgrade carries every cover over from the folder the previous release kept
them in (EVENTDESK_COVERS_FOLDER, or covers/ in the instance folder); a cover
whose file is missing is skipped with a warning. The downgrade writes them back.
"""
import logging
import os
import re
from pathlib import Path

from alembic import op
import sqlalchemy as sa
from flask import current_app


# revision identifiers, used by Alembic.
revision = '9d4b2f7e1a63'
down_revision = '0c9e5b27d3a8'
branch_labels = None
depends_on = None

# A child of eventdesk's logger, which the command line prints (Alembic's own is filtered).
logger = logging.getLogger("eventdesk.migrations")
# The names the previous release gave its cover files.
_NAME = re.compile(r"^([A-Za-z0-9_-]{22})-(\d{1,4})x(\d{1,4})\.jpg$")

events = sa.table('events', sa.column('id', sa.Integer), sa.column('cover_image', sa.String))
event_covers = sa.table(
    'event_covers',
    sa.column('event_id', sa.Integer),
    sa.column('token', sa.String),
    sa.column('width', sa.Integer),
    sa.column('height', sa.Integer),
    sa.column('jpeg', sa.LargeBinary),
)


def _covers_folder() -> Path:
    """Return the folder the previous release kept covers in, as it found it."""
    configured = current_app.config.get("COVERS_FOLDER")
    return Path(configured) if configured else Path(current_app.instance_path) / "covers"


def upgrade():
    op.create_table(
        'event_covers',
        sa.Column('event_id', sa.Integer(), nullable=False),
        sa.Column('token', sa.String(length=32), nullable=False),
        sa.Column('width', sa.Integer(), nullable=False),
        sa.Column('height', sa.Integer(), nullable=False),
        sa.Column('jpeg', sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(['event_id'], ['events.id'], ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('event_id'),
        sa.UniqueConstraint('token'),
    )
    connection = op.get_bind()
    folder = _covers_folder()
    rows = connection.execute(
        sa.select(events.c.id, events.c.cover_image).where(events.c.cover_image != '')
    ).all()
    for event_id, name in rows:
        match = _NAME.fullmatch(name)
        path = folder / name
        if match is None or not path.is_file():
            logger.warning("cover %s of event %s is not in %s: left out", name, event_id, folder)
            continue
        token, width, height = match.group(1), int(match.group(2)), int(match.group(3))
        connection.execute(event_covers.insert().values(
            event_id=event_id, token=token, width=width, height=height,
            jpeg=path.read_bytes()))
    if rows:
        logger.info("covers are now kept in the database; %s can be removed", folder)
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.drop_column('cover_image')


def downgrade():
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column('cover_image', sa.String(length=64), nullable=False, server_default='')
        )
    with op.batch_alter_table('events', schema=None) as batch_op:
        batch_op.alter_column('cover_image', server_default=None)
    connection = op.get_bind()
    covers = connection.execute(sa.select(
        event_covers.c.event_id, event_covers.c.token, event_covers.c.width,
        event_covers.c.height, event_covers.c.jpeg)).all()
    if covers:
        folder = _covers_folder()
        folder.mkdir(parents=True, exist_ok=True)
    for event_id, token, width, height, jpeg in covers:
        name = f"{token}-{width}x{height}.jpg"
        partial = folder / f"{name}.part"
        partial.write_bytes(jpeg)
        os.replace(partial, folder / name)
        connection.execute(
            events.update().where(events.c.id == event_id).values(cover_image=name))
    op.drop_table('event_covers')
