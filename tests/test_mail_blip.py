"""The mail worker through a database blip, against a real SMTP server.

The database goes away for 1.6 s (a restart, as seen in production) just
after the SMTP server accepted a message of the batch, so the write of that
message's status fails. On PostgreSQL the database's backends are terminated
and new connections refused; on SQLite the worker's real connections are
closed at their next statement or checkout (by their own thread: closing a
sqlite3 connection from another thread while it runs a statement can crash
the interpreter) and the database file is moved aside, so new connections
find an empty database, until it is put back. Afterwards no message may wait for
the lease to run out, and none may arrive twice.
"""

import os
import threading
import time
from collections import Counter
from datetime import timedelta

import psycopg
import pytest
from mail_helpers import SmtpServer
from sqlalchemy import event, func, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DisconnectionError
from test_mail_delivery import outbox_statuses, queue_plain

from eventdesk.db import db
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.mail.worker import WorkerSettings, lease_for
from eventdesk.worker import run_worker

OUTAGE_SECONDS = 1.6


@pytest.fixture
def app_config(app_config, smtp):
    # A one-second SMTP timeout makes the derived lease 16 s for a batch of
    # ten: long enough that a message waiting for it fails the test below.
    app_config.update(
        SMTP_URL=f"smtp://127.0.0.1:{smtp.port}?timeout=1",
        MAIL_BATCH_SIZE=10, MAIL_POLL_SECONDS=0.05,
        MAIL_RETRY_BASE_SECONDS=0.05, MAIL_RETRY_MAX_SECONDS=0.2,
    )
    return app_config


class Blip:
    """Take the database away under the worker once, when the SMTP server accepts a mail."""

    def __init__(self, app) -> None:
        self.url = app.config["SQLALCHEMY_DATABASE_URI"]
        self.postgres = self.url.startswith("postgresql")
        self.engine = db.engine
        self.connections = []
        self.doomed: list = []  # closed by their own thread at their next use
        self.lock = threading.Lock()
        self.happened = threading.Event()
        self.restored = threading.Event()
        if not self.postgres:
            event.listen(self.engine, "checkout", self._remember)
            event.listen(self.engine, "before_cursor_execute", self._close_if_doomed)

    def _is_doomed(self, dbapi_connection) -> bool:
        with self.lock:
            return any(dbapi_connection is doomed for doomed in self.doomed)

    def _remember(self, dbapi_connection, record, proxy) -> None:
        if self._is_doomed(dbapi_connection):
            raise DisconnectionError("closed by the blip")  # the pool connects anew
        with self.lock:
            self.connections.append(dbapi_connection)

    def _close_if_doomed(self, conn, cursor, statement, parameters, context, many) -> None:
        dbapi_connection = conn.connection.dbapi_connection
        if self._is_doomed(dbapi_connection):
            dbapi_connection.close()  # the statement about to run fails, as in a real blip

    def _admin(self):
        url = make_url(self.url).set(drivername="postgresql", database="postgres")
        return psycopg.connect(url.render_as_string(hide_password=False), autocommit=True)

    def _allow(self, allowed: bool) -> None:
        name = make_url(self.url).database
        with self._admin() as admin:
            admin.execute(f'ALTER DATABASE "{name}" ALLOW_CONNECTIONS {str(allowed).lower()}')
            if not allowed:
                admin.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                              "WHERE datname = %s AND pid <> pg_backend_pid()", [name])

    def __call__(self) -> None:
        if self.happened.is_set():
            return
        self.happened.set()
        if self.postgres:
            self._allow(False)
        else:
            self._close_all()
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self._path + suffix):
                    os.replace(self._path + suffix, self._path + suffix + ".away")
        threading.Timer(OUTAGE_SECONDS, self.restore).start()

    @property
    def _path(self) -> str:
        return make_url(self.url).database

    def _close_all(self) -> None:
        with self.lock:
            self.doomed.extend(self.connections)

    def restore(self) -> None:
        if self.restored.is_set():
            return
        if self.postgres:
            self._allow(True)
        else:
            self._close_all()  # the ones opened on the empty file meanwhile
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(self._path + suffix):
                    os.remove(self._path + suffix)
                if os.path.exists(self._path + suffix + ".away"):
                    os.replace(self._path + suffix + ".away", self._path + suffix)
        self.restored.set()

    def close(self) -> None:
        if self.happened.is_set():
            self.restored.wait(10)
            self.restore()  # whatever happened in the test, the database is back
        if not self.postgres:
            event.remove(self.engine, "checkout", self._remember)
            event.remove(self.engine, "before_cursor_execute", self._close_if_doomed)


def accept_then(smtp: SmtpServer, number: int, action) -> None:
    """Call ``action`` right after the server accepted its ``number``-th message."""
    original = smtp.handler.handle_DATA

    async def handle_data(server, session, envelope):
        answer = await original(server, session, envelope)
        if answer.startswith("250") and len(smtp.received) == number:
            action()
        return answer

    smtp.handler.handle_DATA = handle_data


def test_the_lease_is_what_a_batch_needs(app):
    settings = WorkerSettings.from_config(app.config)
    assert settings.smtp_timeout == 1
    assert settings.lease == lease_for(10, 1) == timedelta(seconds=10 + 6)
    assert WorkerSettings().lease < timedelta(minutes=4)  # was 10 minutes


def test_a_database_blip_mid_batch_leaves_nothing_stuck_and_nothing_twice(app, smtp):
    queue_plain(6)
    blip = Blip(app)
    accept_then(smtp, 3, blip)
    stop = threading.Event()
    worker = threading.Thread(target=run_worker, args=(app,), kwargs={"stop": stop})
    started = time.monotonic()
    worker.start()
    try:
        deadline = started + 30
        while time.monotonic() < deadline:
            if blip.restored.is_set() and outbox_statuses()[OutboxStatus.SENT] == 6:
                break
            time.sleep(0.05)
        took = time.monotonic() - started
        time.sleep(0.5)  # a second copy would come now, if the worker meant to send one
    finally:
        stop.set()
        worker.join(timeout=10)
        blip.close()

    assert blip.happened.is_set()
    assert outbox_statuses() == Counter({OutboxStatus.SENT: 6})
    # Everything sent soon after the database came back, not after the 16 s lease.
    assert took < OUTAGE_SECONDS + 5, took
    received = Counter(smtp.handler.message_ids())
    assert len(received) == 6 and set(received.values()) == {1}, received
    claimed = db.session.scalar(
        select(func.count()).select_from(OutboxMessage).where(OutboxMessage.claimed_by.is_not(None))
    )
    db.session.rollback()
    assert claimed == 0
