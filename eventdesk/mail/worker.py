"""The outbox worker: claim due messages, send them, record what happened.

Claims are leases in the database (``claimed_by``/``claimed_until``), taken by
one conditional UPDATE: on PostgreSQL its candidate rows come from
``FOR UPDATE SKIP LOCKED``, on SQLite the write lock of ``BEGIN IMMEDIATE``
serialises claimers. Two workers therefore never hold the same message. No
transaction is open while talking to the SMTP server, so registrations never
wait for mail.

The lease is what one batch needs (``lease_for``): a second a message plus
room for a send that runs into the SMTP timeout; a worker gives back the
rest of its batch while a whole send still fits. When a pass fails (the
database went away for a moment), the worker hands its claims back as soon
as the database answers, so nothing waits for the lease. A message the
server accepted is remembered until its status is written, then written
first of all, so a database blip between the two cannot mail it twice. Only
a worker that dies between the server's acceptance and the status write
leaves a message to be sent again after the lease: with the same bytes and
the same Message-ID, which receiving servers and mail programs use to drop
the copy.

Mail mostly arrives as drafts: the worker renders each one once through the
renderer registered for its kind (``eventdesk.mail.rendering``), stores its
bytes and Message-ID, and only then sends. The loop that runs passes and
the other periodic work is ``eventdesk.worker``; this module sends what is due.
"""

import logging
import random
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import bindparam, or_, select, update

from eventdesk.db import db, utcnow
from eventdesk.mail.models import OutboxMessage, OutboxStatus
from eventdesk.mail.rendering import render_claimed
from eventdesk.mail.transport import ConnectionFailure, DeliveryError, parse_smtp_url

log = logging.getLogger("eventdesk.mail")


# Rendering a guest mail and handing it to a server takes milliseconds; a
# second each leaves a slow day ten times over.
SECONDS_PER_MESSAGE = 1.0
# The longest one send may take: a stalled answer on a reused connection, then
# connecting afresh and sending again, each bounded by the SMTP timeout.
TIMEOUTS_PER_SEND = 3
# The local development mailbox only writes to the database.
LOCAL_TIMEOUT_SECONDS = 1.0


def lease_for(batch_size: int, smtp_timeout: float) -> timedelta:
    """Return the lease a batch needs: its messages at a normal pace, and two slow sends."""
    return timedelta(
        seconds=batch_size * SECONDS_PER_MESSAGE + 2 * TIMEOUTS_PER_SEND * smtp_timeout
    )


@dataclass(frozen=True)
class WorkerSettings:
    """Batch size, lease and retry timing; read from the app config."""

    batch_size: int = 50
    lease: timedelta = lease_for(50, 30.0)
    smtp_timeout: float = 30.0
    retry_base: timedelta = timedelta(seconds=30)
    retry_max: timedelta = timedelta(hours=1)
    max_attempts: int = 12
    poll_seconds: float = 1.0

    @classmethod
    def from_config(cls, config) -> "WorkerSettings":
        """Build settings from ``MAIL_*`` config keys, with the defaults above."""
        default = cls()
        batch_size = int(config.get("MAIL_BATCH_SIZE", default.batch_size))
        smtp_url = config.get("SMTP_URL")
        timeout = parse_smtp_url(smtp_url).timeout if smtp_url else LOCAL_TIMEOUT_SECONDS
        lease = config.get("MAIL_CLAIM_SECONDS")
        return cls(
            batch_size=batch_size,
            # A lease shorter than one slow send would give every batch back unsent.
            lease=max(timedelta(seconds=float(lease)), lease_for(1, timeout))
            if lease else lease_for(batch_size, timeout),
            smtp_timeout=timeout,
            retry_base=timedelta(
                seconds=float(
                    config.get("MAIL_RETRY_BASE_SECONDS", default.retry_base.total_seconds())
                )
            ),
            retry_max=timedelta(
                seconds=float(
                    config.get("MAIL_RETRY_MAX_SECONDS", default.retry_max.total_seconds())
                )
            ),
            max_attempts=int(config.get("MAIL_MAX_ATTEMPTS", default.max_attempts)),
            poll_seconds=float(config.get("MAIL_POLL_SECONDS", default.poll_seconds)),
        )


@dataclass
class BatchResult:
    """What one pass over the outbox did."""

    claimed: int = 0
    sent: int = 0
    retried: int = 0
    failed: int = 0
    superseded: int = 0
    connection_lost: bool = False
    errors: list[str] = field(default_factory=list)


def retry_delay(attempts: int, settings: WorkerSettings) -> timedelta:
    """Return the wait before attempt ``attempts + 1``: doubling, capped, with jitter."""
    delay = min(settings.retry_base * (2 ** max(attempts - 1, 0)), settings.retry_max)
    # Jitter spreads the retries of a burst that failed together.
    return delay * random.uniform(0.8, 1.0)


def claim_batch(
    *, token: str, now: datetime, settings: WorkerSettings
) -> list[tuple[int, str, bytes]]:
    """Claim due messages for this worker and commit; return (id, recipient, raw) of each."""
    table = OutboxMessage.__table__
    due = (
        table.c.status == OutboxStatus.PENDING,
        table.c.next_attempt_at <= now,
        or_(table.c.claimed_until.is_(None), table.c.claimed_until < now),
    )
    candidates = select(table.c.id).where(*due).order_by(table.c.next_attempt_at, table.c.id)
    candidates = candidates.limit(settings.batch_size)
    claim = update(table).values(claimed_by=token, claimed_until=now + settings.lease)
    if db.session.get_bind().dialect.name == "postgresql":
        # A locking CTE runs once; "IN (subquery ... LIMIT)" may be re-run and claim more.
        picked = candidates.with_for_update(skip_locked=True).cte("picked")
        claim = claim.where(table.c.id == picked.c.id)
    else:
        # SQLite: BEGIN IMMEDIATE already holds the only write lock.
        claim = claim.where(table.c.id.in_(candidates.scalar_subquery()))
    # Re-checking the due conditions makes the UPDATE itself the arbiter.
    claimed = db.session.execute(
        claim.where(*due).returning(table.c.id, table.c.recipient, table.c.raw)
    ).all()
    db.session.commit()
    return sorted((row.id, row.recipient, row.raw) for row in claimed)


def _record(message_id: int, token: str, **values) -> None:
    table = OutboxMessage.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == message_id, table.c.claimed_by == token)
        .values(claimed_by=None, claimed_until=None, **values)
    )
    db.session.commit()


def _mark_sent(sent: dict[int, datetime]) -> None:
    # By id and status rather than by claim: the server took the message, so it
    # is sent even if the claim ran out meanwhile (unless another worker's
    # attempt already settled it).
    table = OutboxMessage.__table__
    db.session.execute(
        update(table)
        .where(table.c.id == bindparam("message"), table.c.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENT, sent_at=bindparam("at"), last_error="",
                attempts=table.c.attempts + 1, claimed_by=None, claimed_until=None),
        [{"message": message_id, "at": at} for message_id, at in sent.items()],
    )


@dataclass
class Unrecorded:
    """What a worker still has to tell the database: accepted sends, claims to give back."""

    sent: dict[int, datetime] = field(default_factory=dict)
    claims: set[str] = field(default_factory=set)

    def write(self) -> None:
        """Record the sends and release the claims, and commit; raise while the database is away."""
        if self.sent:
            _mark_sent(self.sent)
        if self.claims:
            table = OutboxMessage.__table__
            db.session.execute(
                update(table)
                .where(table.c.claimed_by.in_(sorted(self.claims)))
                .values(claimed_by=None, claimed_until=None)
            )
        db.session.commit()
        self.sent.clear()
        self.claims.clear()

    def try_write(self) -> bool:
        """Write what is owed if the database answers; tell whether it did."""
        try:
            self.write()
        except Exception:  # the database is still away: the next pass tries again
            _quiet_rollback()
            log.warning("cannot hand back %d claim(s) and %d sent mail(s) yet",
                        len(self.claims), len(self.sent))
            return False
        return True


def _quiet_rollback() -> None:
    try:
        db.session.rollback()
    except Exception:  # a connection that is gone cannot roll back; the pool replaces it
        db.session.close()


def _record_failure(
    message_id: int, token: str, error: DeliveryError, *, now: datetime, settings: WorkerSettings
) -> bool:
    """Count a failed attempt; return True when the message is now failed for good."""
    attempts = db.session.scalar(
        select(OutboxMessage.attempts).where(OutboxMessage.id == message_id)
    )
    attempts = (attempts or 0) + 1
    # An unreachable server is nobody's fault in this message: however long the
    # outage, the mail waits. Only answers about this message use up its attempts.
    given_up = attempts >= settings.max_attempts and not isinstance(error, ConnectionFailure)
    final = error.permanent or given_up
    _record(
        message_id,
        token,
        attempts=attempts,
        last_error=str(error)[:2000],
        status=OutboxStatus.FAILED if final else OutboxStatus.PENDING,
        next_attempt_at=now + retry_delay(attempts, settings),
    )
    return final


def deliver_batch(
    transport,
    *,
    settings: WorkerSettings,
    now: Callable[[], datetime] = utcnow,
    token: str | None = None,
    unrecorded: Unrecorded | None = None,
) -> BatchResult:
    """Claim one batch of due messages and try to send each of them once.

    ``unrecorded`` carries what a failed pass could not write over to the
    next one; it is written before anything new is claimed.
    """
    unrecorded = Unrecorded() if unrecorded is None else unrecorded
    if unrecorded.sent or unrecorded.claims:
        unrecorded.write()
    token = token or secrets.token_hex(16)
    # Until the pass ends well, its claims are owed back.
    unrecorded.claims.add(token)
    try:
        result = _deliver(transport, settings=settings, now=now, token=token,
                          unrecorded=unrecorded)
    except Exception:
        _quiet_rollback()
        unrecorded.try_write()
        raise
    unrecorded.claims.discard(token)
    return result


def _deliver(transport, *, settings: WorkerSettings, now: Callable[[], datetime], token: str,
             unrecorded: Unrecorded) -> BatchResult:
    result = BatchResult()
    claimed_at = now()
    # A send is started only while the longest one still fits in the lease.
    last_start = claimed_at + settings.lease - timedelta(
        seconds=TIMEOUTS_PER_SEND * settings.smtp_timeout
    )
    batch = claim_batch(token=token, now=claimed_at, settings=settings)
    result.claimed = len(batch)
    drafts = [message_id for message_id, _, raw in batch if raw is None]
    rendered = render_claimed(drafts, token, now=claimed_at) if drafts else {}
    for position, (message_id, recipient, raw) in enumerate(batch):
        if now() > last_start:
            # A slow server: give the rest back before the lease could run out
            # and another worker send them as well.
            for rest_id, _, _ in batch[position:]:
                _record(rest_id, token)
            break
        if raw is None:
            outcome = rendered[message_id]
            if outcome == OutboxStatus.SUPERSEDED:
                result.superseded += 1
            elif outcome == OutboxStatus.FAILED:
                result.failed += 1
            if isinstance(outcome, OutboxStatus):
                continue
            recipient, raw = outcome
        try:
            transport.send(raw, recipient)
        except DeliveryError as error:
            result.errors.append(str(error))
            final = _record_failure(message_id, token, error, now=now(), settings=settings)
            if final:
                result.failed += 1
            else:
                result.retried += 1
            log.warning("mail %d %s: %s", message_id, "failed" if final else "to be retried",
                        error, extra={"outbox_id": message_id, "final": final})
            if isinstance(error, ConnectionFailure):
                # The server is unreachable: hand the rest back untouched.
                result.connection_lost = True
                for rest_id, _, _ in batch[position + 1 :]:
                    _record(rest_id, token)
                break
        else:
            # Remembered first: if the database fails now, the next pass
            # writes it, instead of the lease running out and mailing it again.
            unrecorded.sent[message_id] = now()
            _mark_sent({message_id: unrecorded.sent[message_id]})
            db.session.commit()
            del unrecorded.sent[message_id]
            result.sent += 1
            log.info("mail %d sent", message_id, extra={"outbox_id": message_id})
    return result


def send_due(transport, *, settings: WorkerSettings, unrecorded: Unrecorded | None = None) -> int:
    """Send batch after batch until nothing more is due (or the server is gone); return how many."""
    unrecorded = Unrecorded() if unrecorded is None else unrecorded
    sent = 0
    while True:
        result = deliver_batch(transport, settings=settings, unrecorded=unrecorded)
        sent += result.sent
        if result.claimed < settings.batch_size or result.connection_lost:
            return sent
