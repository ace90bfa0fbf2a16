"""When an outbox worker last finished a pass, so stuck mail shows on ``/healthz``."""

import os
import socket
import time
from datetime import datetime

from sqlalchemy import String, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Mapped, mapped_column

from eventdesk.db import db, utcnow

# A worker polls every second or faster; one write every few seconds is
# enough to tell a live worker from a dead one.
BEAT_EVERY_SECONDS = 5.0


class WorkerPass(db.Model):
    """The last finished outbox pass of the workers on one host."""

    __tablename__ = "worker_passes"

    host: Mapped[str] = mapped_column(String(255), primary_key=True)
    finished_at: Mapped[datetime]
    pid: Mapped[int]


_last_beat = 0.0


def record_pass(*, now: datetime | None = None, force: bool = False) -> None:
    """Note that this host's worker finished a pass, at most every few seconds; commit."""
    global _last_beat
    if not force and time.monotonic() - _last_beat < BEAT_EVERY_SECONDS:
        return
    values = {"host": socket.gethostname()[:255], "finished_at": now or utcnow(),
              "pid": os.getpid()}
    dialect = postgresql if db.session.get_bind().dialect.name == "postgresql" else sqlite
    statement = dialect.insert(WorkerPass).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=[WorkerPass.host],
        set_={"finished_at": statement.excluded.finished_at, "pid": statement.excluded.pid},
    )
    db.session.execute(statement)
    db.session.commit()
    _last_beat = time.monotonic()


def last_pass() -> datetime | None:
    """Return when any worker last finished a pass, or None if none ever did."""
    return db.session.scalar(select(WorkerPass.finished_at).order_by(
        WorkerPass.finished_at.desc()).limit(1))

