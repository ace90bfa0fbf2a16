"""The database handle, the declarative base and its column types."""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime

import sqlalchemy as sa
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy import DateTime, MetaData, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, registry

from eventdesk.sqlite_tuning import reading_only

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Store aware datetimes as UTC and always hand them back aware.

    SQLite keeps no zone, so without this a value read back would be naive.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given; pass an aware UTC datetime")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        type_annotation_map={datetime: UTCDateTime()},
    )


db = SQLAlchemy(model_class=Base)

@contextmanager
def reads_before_writes() -> Iterator[None]:
    """Do the block's reads without SQLite's write lock; writes after the block take it.

    For a request that reads and validates at length before it writes: on
    SQLite the block runs in a plain read transaction that ends with the
    block, so the write lock is held only for the short writing part and
    concurrent writers do not wait on the reading. Objects loaded in the block
    keep what they read, as on PostgreSQL, where reads take no lock either:
    whatever must be current is settled by the writes themselves (such as the
    seat counter's conditional UPDATE). On other databases nothing changes.
    """
    with reading_only():
        yield
    if db.session.get_bind().dialect.name == "sqlite":
        session = db.session()
        session.expire_on_commit = False
        try:
            session.commit()
        finally:
            session.expire_on_commit = True


def utcnow() -> datetime:
    """Return the current time as an aware UTC datetime."""
    return datetime.now(UTC)


def str_enum(enum_class: type) -> sa.Enum:
    """Return a column type that stores a string enum by its value, portably."""
    return sa.Enum(
        enum_class,
        native_enum=False,
        length=20,
        values_callable=lambda members: [member.value for member in members],
        validate_strings=True,
    )
